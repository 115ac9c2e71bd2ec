"""Person mentions in Vietnamese news text: capitalised names after honorifics or role titles."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PersonMention:
    """A person's name as written, its offsets in the text, and the role the text gives them."""

    name: str
    start: int
    end: int
    role: str | None
    organisation: str | None = None


def _latin_letters(predicate_name: str) -> str:
    """Every Latin letter up to the Vietnamese block for which str.<predicate_name>() holds."""
    return "".join(
        character
        for character in map(chr, range(0x41, 0x1EFA))
        if getattr(character, predicate_name)() and "LATIN" in unicodedata.name(character, "")
    )


UPPER = _latin_letters("isupper")
LOWER = _latin_letters("islower")


def by_first_letter(words: Iterable[str], after: Callable[[str], str] = lambda word: "") -> str:
    """A regex alternation of `words`, each followed by the pattern `after` gives for it, that
    groups them by their first letter, keeping their order: the regex engine then tries only the
    words that start with the letter it stands on."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]) + after(word))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


# A name syllable is capitalised and fully lower-case after its first letter, so
# abbreviations such as UBND, HĐND or TP never read as part of a name.
_SYLLABLE = rf"[{UPPER}](?:'[{UPPER}])?[{LOWER}]*(?:-[{LOWER}]+)?(?![\w'-])"
_CAPITALISED_WORD = rf"[{UPPER}][\w&-]*"

# Names start with a family name; without this list every capitalised place or
# organisation after a title ("Chủ tịch UBND tỉnh Quảng Ninh") would read as a person.
# Ông and Đồng are left out: far more often they open "Ông Lê Văn Minh" or "Đồng chí …".
FAMILY_NAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Cao Đinh Trịnh "
    "Lương Mai Tô Lâm Hà Đoàn Vương Trương Chu Tạ Phùng Thái Kiều Lưu Đào Quách Triệu Nông "
    "Hứa Giáp Khúc Lò Lục Mạc Mạnh Nghiêm Tăng Tống Văn Vi Viên Âu Doãn Đàm Hầu Kim "
    "Khổng La Lã Lại Lữ Mã Ninh Quan Thân Thạch Tôn Từ Ứng "
    # Family names of the uplands and the Central Highlands, and of foreign guests.
    "Giàng Sùng Vàng Lầu Thào Hờ Mùa Lù Cầm Sầm Lường Quàng Điêu Bế Ma Hoàng Rah Siu Ksor Nay Kpă Rơ "
    "Đinh Lê Park Lee Choi Jung Kang Cho Yoon Jang Lim Han Shin Tanaka Suzuki Sato"
).split()

# Names of places that start with a family-name syllable.
PLACE_NAMES = frozenset(
    {
        "Hà Nội", "Hà Giang", "Hà Nam", "Hà Tĩnh", "Hải Hà", "Cao Bằng", "Lâm Đồng", "Thái Bình",
        "Thái Nguyên", "Hồ Chí Minh", "Kim Bảng", "Mai Châu", "Lý Sơn", "Đồng Nai", "Đồng Tháp",
        "Ninh Bình", "Ninh Thuận", "La Gi", "Hà Tu", "Hà Khẩu", "Cao Xanh", "Hà Lầm", "Hà Phong",
        "Hoàng Mai", "Hồ Gươm", "Hồ Tây", "Văn Quán", "Văn Miếu", "Hà Đông",
    }
)

HONORIFICS = (
    "đồng chí", "Đồng chí", "ông", "Ông", "bà", "Bà", "anh", "Anh", "chị", "Chị", "em", "Em",
    "cô", "Cô", "chú", "Chú", "bác", "Bác", "cụ", "Cụ", "thầy", "Thầy", "cháu", "Cháu",
)

_ROLE_TITLE_WORDS = (
    "Bí thư", "Chủ tịch", "Giám đốc", "Thủ tướng", "Bộ trưởng", "Thứ trưởng", "Trưởng ban", "Trưởng phòng",
    "Trưởng Công an", "Trưởng thôn", "Trưởng bản", "Trưởng khu", "Chánh Văn phòng", "Chánh án", "Viện trưởng",
    "Chủ nhiệm", "Hiệu trưởng", "Tư lệnh", "Chỉ huy trưởng", "Cục trưởng", "Vụ trưởng", "Chi cục trưởng",
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá", "Thiếu tá",
    "Bác sĩ", "Tiến sĩ", "Thạc sĩ", "Nhà giáo", "Nghệ nhân", "Nghệ sĩ", "Đại biểu", "Phó Trưởng ban",
    "Trưởng Ban", "Trưởng khoa", "Trưởng Khoa", "Tỉnh trưởng", "Thị trưởng", "Ủy viên", "Uỷ viên", "Trưởng đoàn",
    "Chánh Thanh tra", "Trưởng Đài", "Tổng Biên tập", "Phó Tổng Biên tập", "Thầy thuốc", "Anh hùng",
)
_ROLE_TITLES = f"(?:{by_first_letter(_ROLE_TITLE_WORDS)})"
_ROLE_HEAD = rf"(?:(?:Phó|Quyền|Nguyên|nguyên|Tổng|Ủy viên|Uỷ viên)\s+)*{_ROLE_TITLES}"

# Words that end an organisation name after a role: verbs, function words, honorifics.
# Organisation names keep lower-case words ("Sở Giao thông vận tải"), so the tail of a
# role runs until one of these rather than until the first lower-case word.
_TAIL_STOP_WORDS = (
    "đã", "đang", "sẽ", "vừa", "với", "của", "cho", "làm", "là", "được", "tại", "có", "các", "những", "này", "đó",
    "khi", "thì", "mà", "để", "về", "đến", "từ", "trong", "trên", "theo", "cùng", "một", "ông", "bà", "anh", "chị",
    "đồng chí", "khẳng định", "chia sẻ", "cho biết", "nhấn mạnh", "phát biểu", "cho rằng", "đề nghị", "yêu cầu",
    "kiểm tra", "xem xét", "trao", "thăm", "chỉ đạo", "báo cáo", "tặng", "dự", "chủ trì", "tham dự", "động viên",
    "hướng dẫn", "giới thiệu", "trả lời", "khảo sát", "đánh giá", "tiếp", "phát động", "ký", "trình bày", "nói",
    "gặp", "và", "hoặc", "nhưng", "đồng thời", "nêu", "lưu ý", "biểu dương", "ghi nhận", "thông tin", "quán triệt",
    "mong", "cần", "phải", "không", "chưa", "rất",
)
_TAIL_STOP = rf"(?:{by_first_letter(_TAIL_STOP_WORDS)})(?![\w])"
# Numbers stay in a role when they name a unit: "Trưởng thôn 2", "Bí thư Chi bộ khu 5".
_NAME_WITH_COMMA = (
    rf",\s+[{UPPER}][{LOWER}]*(?:\s+[{LOWER}]+)?(?:,\s+[{UPPER}][{LOWER}]*(?:\s+[{LOWER}]+)?)*"
    rf"\s+và\s+[{UPPER}][{LOWER}]*(?:\s+[{LOWER}]+)?(?![\w])"
)
_TAIL_WORD = (
    rf"(?:và(?=\s+[{UPPER}])|[-–]|\d+(?![\w/])|(?!{_TAIL_STOP})(?:{_CAPITALISED_WORD}|[{LOWER}]+(?![\w])))"
    rf"(?:{_NAME_WITH_COMMA})?"
)

# The scan starts at family names (literals the regex engine can skip to quickly) and only
# then looks back for an honorific or a title.
_NAME = re.compile(rf"(?:{by_first_letter(FAMILY_NAMES)})(?![\w])(?:\s+{_SYLLABLE}){{1,3}}(?!\s+[{UPPER}])")
_BEFORE_NAME = re.compile(
    rf"(?<![\w])(?:(?P<honorific>{by_first_letter(HONORIFICS)})"
    rf"|(?P<title>{_ROLE_HEAD}(?:\s+{_TAIL_WORD}){{0,8}}))\s+$"
)
_LOOK_BEHIND = 90
_LONGEST_HONORIFIC = max(map(len, HONORIFICS))
# _BEFORE_NAME tries every offset of its look-behind; most names have no title there at all,
# and finding that out with a plain alternation of the titles is far cheaper.
_ROLE_TITLE = re.compile(_ROLE_TITLES)

# ", Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh", ", một tiểu thương ở chợ Hạ Long II" or a short
# lower-case apposition closed by a comma or colon (", thợ xây, cho biết").
_ROLE_SEGMENT = re.compile(
    rf",\s+(?:(?P<role>{_ROLE_HEAD}(?:\s+{_TAIL_WORD}){{0,10}})"
    rf"|(?:một|là)\s+(?P<description>[^,.;:()]{{2,60}})"
    rf"|(?!{_TAIL_STOP})(?P<apposition>[{LOWER}][^,.;:()\d]{{1,40}})(?=[,:])"
    rf"|(?P<body>(?:Bệnh viện|Trường|Công ty|Tập đoàn|Sở|Hội|Viện|Trung tâm|Ngân hàng|Ủy ban|UBND|HĐND)"
    rf"\s+[^,.;:()]{{2,50}}?)(?=\s*[,.;:]))"
)
# "bổ nhiệm ông … giữ chức Giám đốc Sở Tài chính": the role an appointment gives.
_APPOINTED_ROLE = re.compile(rf"\s+giữ chức(?:\s+vụ)?\s+(?P<role>{_ROLE_HEAD}(?:\s+{_TAIL_WORD}){{0,10}})")


# A name right after these words names a school, a street or a prize, not a person.
_INSTITUTION_WORDS = frozenset(
    "chuyên THPT THCS Trường trường Tiểu học đường Đường phố Phố Quỹ quỹ Giải giải Cúp cúp tượng Tượng cầu Cầu".split()
)
# Words a role starts with that say the rank rather than the body: what follows them is the organisation.
_RANK_WORDS = re.compile(
    r"^(?:(?:Phó|Quyền|Nguyên|nguyên|Tổng|Ủy viên|Uỷ viên|Bí thư|Chủ tịch|Giám đốc|Trưởng|Chánh|Chủ nhiệm|"
    r"Hiệu trưởng|Viện trưởng|Cục trưởng|Vụ trưởng|Chi cục trưởng|Tỉnh trưởng|Thị trưởng|Thủ trưởng|Tổng Biên tập|"
    r"Chỉ huy trưởng|Thường trực|Thứ trưởng|Bộ trưởng|Chánh án)(?:\s+|$))+"
)
# Ranks and honours that name no body: "Thiếu tướng", "Nhà giáo Nhân dân".
_NO_BODY = re.compile(
    r"^(?:Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng|Đại tá|Thượng tá|Trung tá|Thiếu tá|Bác sĩ|Tiến sĩ|"
    r"Thạc sĩ|Nhà giáo|Nghệ nhân|Nghệ sĩ|Thầy thuốc|Anh hùng|Đại biểu)(?:\s+(?:Nhân dân|Ưu tú|Lao động))?$"
)
_BODY_HEAD = re.compile(r"^(?:Bệnh viện|Trường|Công ty|Tập đoàn|Sở|Hội|Viện|Trung tâm|Ngân hàng|Ủy ban|UBND|HĐND)\s")
_BODY_START = re.compile(rf"^(?:[{UPPER}]|bản\s|thôn\s|khoa\s|xã\s|phường\s|tổ\s)")


def organisation_of(roles: list[str]) -> str | None:
    """The body the first role that names one belongs to ("Sở Tài chính" of "Giám đốc Sở Tài chính")."""
    bodies = []
    for role in roles:
        if _NO_BODY.match(role):
            continue
        body = _RANK_WORDS.sub("", role, count=1).strip()
        if body and _BODY_START.match(body) and (body != role.strip() or _BODY_HEAD.match(body)):
            bodies.append(body)
    # A body with a capitalised name ("Bệnh viện Nhi Đồng 1") before a unit inside it ("khoa Nhiễm").
    return next((body for body in bodies if body[0].isupper()), bodies[0] if bodies else None)


def find_people(text: str) -> list[PersonMention]:
    """People named in `text`, each with the role its title or following apposition gives."""
    people: list[PersonMention] = []
    for match in _NAME.finditer(text):
        name = match[0]
        if name in PLACE_NAMES or (match.start() and text[match.start() - 1].isalnum()):
            continue
        word_before = text[max(0, match.start() - 12) : match.start()].split()[-1:]
        if word_before and word_before[0] in _INSTITUTION_WORDS:
            continue
        before = _honorific_or_title(text, match.start())
        roles = [before["title"]] if before and before["title"] else []
        roles += _roles_after(text, match.end(), describe=before is not None and before["honorific"] is not None)
        # Without an honorific or a title, a capitalised run ("Hồ Gươm", "Văn Quán") is a
        # person only when an official role follows it.
        if before is None and not roles:
            continue
        people.append(
            PersonMention(
                name=name, start=match.start(), end=match.end(), role=", ".join(roles) or None,
                organisation=organisation_of(roles),
            )
        )
    return people


def _honorific_or_title(text: str, start: int) -> re.Match[str] | None:
    """The honorific or the title that ends, followed by spaces, right before the name at `start`."""
    window_start = max(0, start - _LOOK_BEHIND)
    preceding = text[window_start:start]
    # Either match holds one of the titles somewhere, or an honorific just before the spaces.
    if _ROLE_TITLE.search(preceding) is None:
        before_spaces = preceding.rstrip()
        if not before_spaces.endswith(HONORIFICS):
            return None
        # Only an honorific can match, and only right before the spaces: search just there.
        window_start += max(0, len(before_spaces) - _LONGEST_HONORIFIC)
    return _BEFORE_NAME.search(text, window_start, start)


def _roles_after(text: str, position: int, describe: bool) -> list[str]:
    """Roles in apposition after a name; a lower-case description only right after an honorific's name."""
    roles: list[str] = []
    appointed = _APPOINTED_ROLE.match(text, position)
    if appointed:
        return [appointed["role"]]
    while segment := _ROLE_SEGMENT.match(text, position):
        if segment["body"]:
            if not roles:
                break
            roles.append(segment["body"])
            position = segment.end()
            continue
        if not segment["role"]:
            if roles or not describe:
                break
            roles.append((segment["description"] or segment["apposition"]).strip())
            break
        roles.append(segment["role"])
        position = segment.end()
    return roles
