"""The noun phrase a figure measures: after it ("18 dự án phát triển nhà ở") or, for money and
percentages, the clause before it ("GRDP bình quân đầu người đạt 7.614 USD")."""

from __future__ import annotations

import re

_SUBJECT_STOP_WORDS = frozenset(
    "trên trong của đạt chiếm được là với tại ở không đã có và cho theo từ đến so tương tăng giảm hoàn "
    "khi nhưng song để thì mà vào ra lên bằng gồm như nên do bị sẽ đang vẫn này đó qua trước sau "
    "chỉ thấp cao hơn dưới".split()
)
_SUBJECT_LEADING_WORDS = frozenset("với và có đến nay cụ thể trong đó đồng thời".split())
_SUBJECT_TRAILING_WORDS = frozenset(
    "là đạt chiếm tăng giảm ước thực hiện khoảng hơn gần trên dưới tỷ lệ ở mức bằng tương đương được "
    "đã với lên xuống gấp còn có tối đa tối thiểu ít nhất xấp xỉ chừng".split()
)
_CLAUSE_BEFORE_SUBJECT = re.compile(r"[,;:(]|\svới\s")
# Punctuation, or a comma that is not a decimal comma ("1,5"). Every branch starts with the
# character it matches, so the regex engine can skip plain text.
_SUBJECT_END = re.compile(r"[.;:()\"“”]|,(?:(?<!\d,)|(?!\s?\d))")
# A clause mark before a subject: a comma that is no decimal comma, a semicolon, colon or bracket.
_CLAUSE_MARK = re.compile(r"[;:(]|,(?!\d)")


def subject_after(text: str, position: int) -> str | None:
    """The noun phrase starting at `position`, up to punctuation or a verb or preposition."""
    window = text[position : position + 120]
    cut = _SUBJECT_END.search(window)
    words: list[str] = []
    for word in (window[: cut.start()] if cut else window).split(maxsplit=9)[:9]:
        if word.lower() in _SUBJECT_STOP_WORDS:
            break
        words.append(word)
    return " ".join(words) or None


def subject_before(clause: str) -> str | None:
    """The noun phrase ending a clause ("GRDP bình quân đầu người" of "… GRDP bình quân đầu người đạt"),
    where `clause` is the text before the figure from where the sentence, or the figure before, ends."""
    marks = list(_CLAUSE_MARK.finditer(clause))
    if marks:
        clause = clause[marks[-1].end() :]
    if "với" in clause:
        clause = _CLAUSE_BEFORE_SUBJECT.split(clause)[-1]
    words = clause.rsplit(maxsplit=8)[-8:]
    # Never keep a piece of a number: the subject starts after the last one.
    for index in range(len(words) - 1, -1, -1):
        if any(character.isdigit() for character in words[index]):
            words = words[index + 1 :]
            break
    while words and words[0].lower() in _SUBJECT_LEADING_WORDS:
        words.pop(0)
    while words and words[-1].lower() in _SUBJECT_TRAILING_WORDS:
        words.pop()
    return " ".join(words) or None
