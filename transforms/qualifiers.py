"""What the words around a figure say about it: how exact it is (qualifier), whether it is a level or
a change and which way (measure, direction), and whether it was reached or is aimed at (status)."""

from __future__ import annotations

import re

# Each qualifier ends right before the number; "ước đạt 10,6%" is approximate too.
_QUALIFIER_BEFORE = re.compile(
    r"(?<![\w])(?:(?P<approx>khoảng|gần|xấp xỉ|chừng|ước tính đạt|ước tính|ước đạt|ước khoảng|ước|trung bình khoảng)"
    r"|(?P<over>hơn|trên|ngoài)|(?P<under>dưới|chưa đến|chưa tới|không đến)"
    r"|(?P<at_least>ít nhất|tối thiểu|không dưới|không ít hơn)|(?P<at_most>tối đa|không quá|không vượt quá))"
    r"\s+$",
    re.IGNORECASE,
)
_QUALIFIER_WINDOW = 24
# "cao hơn 1,8 điểm": "hơn" belongs to the comparative, and the number is a difference.
_COMPARATIVES = frozenset(
    "cao thấp nhiều ít lớn nhỏ sớm muộn chậm nhanh tốt kém dài ngắn rộng hẹp đông mạnh tăng giảm".split()
)
_QUALIFIER_AFTER = re.compile(r"\s*(?:(?P<at_least>trở lên)|(?P<at_most>trở xuống))(?![\w])")

# Change verbs by their last word; a verb may be two words ("tăng thêm", "thấp hơn").
_UP_VERBS = frozenset({"tăng", "tăng trưởng", "tăng thêm", "cao hơn", "nhiều hơn", "lớn hơn", "nhanh hơn", "vượt", "thêm"})
_DOWN_VERBS = frozenset({"giảm", "giảm bớt", "sụt giảm", "sụt", "thấp hơn", "ít hơn", "chậm hơn", "hụt", "kém"})
# Words that may stand between a change verb and its figure: "tăng bình quân 3,8%".
_FILLER_WORDS = frozenset("bình quân trung mỗi năm hằng hàng thêm được là ở mức khoảng gần hơn từ đạt".split())
# "giảm còn 4,86%", "tăng lên 30%": the figure is the new level.
_NEW_LEVEL_WORDS = frozenset({"còn", "lên", "xuống"})
# The growth rate of a total: "tăng trưởng GRDP đạt 11,89%".
_GROWTH_SUBJECT = re.compile(r"tăng trưởng|tốc độ tăng", re.IGNORECASE)
# A comparative may be followed by what it compares with: "cao hơn mục tiêu đề ra 0,7 điểm".
_COMPARATIVE_GAP_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+")

# Words that make what follows in the sentence a plan or goal; "Chương trình mục tiêu quốc gia" names
# a programme, so "mục tiêu" right after "trình" is no cue.
_TARGET_CUE = re.compile(
    r"(?<![\w])(?<!rình )(?:mục tiêu|Mục tiêu|chỉ tiêu|kế hoạch(?!\s+số)|phấn đấu|Phấn đấu|dự kiến|Dự kiến|dự toán|đặt ra"
    r"|định hướng|sẽ|cam kết|yêu cầu|kỳ vọng|hướng tới|Theo Kế hoạch|theo Kế hoạch)(?![\w])"
)
# After the figure, within its clause: "100% thủ tục sẽ được cung cấp trực tuyến".
_TARGET_CUE_AFTER = re.compile(r"^[^,;:.]*?(?<![\w])(?:sẽ|dự kiến)(?![\w])")
# "bằng 46% kế hoạch", "vượt chỉ tiêu", "cao hơn mục tiêu": the cue is what an actual is measured against.
_CUE_AS_BASE_BEFORE = re.compile(r"(?:%|\d|bằng|vượt|hơn|so với|đạt|hoàn thành|về đích)\s*$")


def qualifier_of(text: str, start: int, end: int) -> tuple[str | None, int]:
    """The qualifier of the figure at text[start:end] and where the fact starts (at the qualifier
    word when one stands right before the number)."""
    window = text[max(0, start - _QUALIFIER_WINDOW) : start]
    match = _QUALIFIER_BEFORE.search(window)
    if match is not None:
        words_before = window[: match.start()].split()
        if not (match["over"] and words_before and words_before[-1].lower() in _COMPARATIVES):
            return match.lastgroup, start - (len(window) - match.start())
    after = _QUALIFIER_AFTER.match(text, end)
    if after is not None:
        return after.lastgroup, start
    return None, start


def change_of(clause_before: str, kind: str) -> tuple[str, str | None]:
    """Measure and direction of a figure from the words of its clause before it (periods removed)."""
    words = [word.lower() for word in _WORD.findall(clause_before[-80:])]
    gap = 0
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        pair = f"{words[index - 1]} {word}" if index else word
        if gap == 0 and word in _NEW_LEVEL_WORDS:
            return "level", None
        if word == "vượt" and index >= 2 and words[index - 2] == "đạt":
            return "level", None
        for verb in (pair, word):
            if verb in _UP_VERBS or verb in _DOWN_VERBS:
                if gap and not all(filler in _FILLER_WORDS for filler in words[index + 1 :]) and not (
                    verb.endswith("hơn") and gap <= _COMPARATIVE_GAP_WORDS
                ):
                    break
                return "change", "up" if verb in _UP_VERBS else "down"
        gap += 1
        if gap > _COMPARATIVE_GAP_WORDS + 1:
            break
    if kind == "percentage_point":
        lowered = clause_before.lower()
        down = max(lowered.rfind("giảm"), lowered.rfind("thấp"))
        return "change", "down" if down > max(lowered.rfind("tăng"), lowered.rfind("cao")) else "up"
    if kind == "percent" and _GROWTH_SUBJECT.search(clause_before):
        return "change", "up"
    return "level", None


def status_of(sentence_before: str, clause_after: str = "") -> str:
    """Target when a plan or goal word governs the sentence before the figure, or a "sẽ" follows it
    in its clause; else actual."""
    for cue in reversed(list(_TARGET_CUE.finditer(sentence_before))):
        if _CUE_AS_BASE_BEFORE.search(sentence_before, 0, cue.start()) is None:
            return "target"
    return "target" if _TARGET_CUE_AFTER.match(clause_after) else "actual"
