"""Places named in Vietnamese news text, resolved against the administrative units in force since
1 July 2025 (34 provinces and cities; communes, wards and special zones).

The units and the mapping of pre-2025 names to the units that took them over come from the
`vietnamadminunits` package (its SQLite dataset and its 2025 converter table), loaded once on
first use. A former province ("tỉnh Hải Dương") maps to the province that absorbed it; a former
district, town or provincial city ("huyện Ba Chẽ", "TP Hạ Long") to the 2025 unit of the same name
in its province when there is one, else to that province; a former commune or ward to the unit
the converter assigns it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from vietnamadminunits.database import query

from transforms.people import LOWER, UPPER, by_first_letter

# The 2025 unit types as the dataset writes them, and the level names the warehouse uses.
_LEVELS = {"Phường": "ward", "Xã": "commune", "Đặc khu": "special_zone"}
# Units named with these words existed before July 2025 only (districts, towns, provincial cities).
_FORMER_DISTRICT_WORDS = frozenset({"huyện", "quận", "thị xã", "tx", "tx.", "thị trấn"})
_CITY_WORDS = frozenset({"thành phố", "tp", "tp."})
_UNIT_WORDS = frozenset({"xã", "phường", "đặc khu"})


# Names the press uses for a province beside the gazetteer's own: abbreviations and long forms.
_PROVINCE_ALIASES = {
    "TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "TP HCM": "Hồ Chí Minh", "TP. HCM": "Hồ Chí Minh",
    "Sài Gòn": "Hồ Chí Minh", "Thừa Thiên Huế": "Huế", "Thừa Thiên - Huế": "Huế", "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Đăk Lăk": "Đắk Lắk", "Đắc Lắc": "Đắk Lắk", "Đăk Nông": "Đắk Nông",
}


@dataclass(frozen=True, slots=True)
class Place:
    """A 2025 administrative unit: its code, name, level and province."""

    code: str
    name: str
    short_name: str
    level: str  # province, ward, commune or special_zone
    province_code: str


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place written in a text ("huyện Ba Chẽ", "Quảng Ninh"): offsets, the words as written,
    its type word (lower case, empty for a bare province name) and its name."""

    start: int
    end: int
    text: str
    type_word: str
    name: str


def name_key(name: str) -> str:
    """A name folded so that spellings of one name meet: case, and the old and new placement of
    the tone mark ("Hoà"/"Hòa", "Thuỷ"/"Thủy")."""
    decomposed = unicodedata.normalize("NFD", name.lower())
    # Move a tone mark written on the second vowel of "oa", "oe", "uy" back to the first.
    decomposed = re.sub(r"([ou])([ae y])([\u0300\u0301\u0303\u0309\u0323])", r"\1\3\2", decomposed)
    return " ".join(unicodedata.normalize("NFC", decomposed).split())


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """The 2025 units and the names they were known by before."""

    places: dict[str, Place]
    provinces: dict[str, str]  # name key (current or former province) -> province code
    units: dict[tuple[str, str], Place]  # (province code, name key) -> 2025 commune/ward/special zone
    units_by_name: dict[str, tuple[Place, ...]]
    former_units: dict[tuple[str, str], Place]  # (province code, former commune/ward name key) -> unit
    former_districts: dict[tuple[str, str], Place]  # (province code, former district name key) -> unit
    former_names: dict[str, tuple[str, ...]]  # place code -> former names that map to it


def _converter_table() -> dict[str, dict[str, object]]:
    path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer built from the package's data, once per process."""
    places: dict[str, Place] = {}
    provinces: dict[str, str] = {}
    units: dict[tuple[str, str], Place] = {}
    units_by_name: dict[str, list[Place]] = defaultdict(list)
    unit_by_key: dict[tuple[str, str], Place] = {}
    province_by_key: dict[str, str] = {}
    for row in query(
        "SELECT provinceCode, province, provinceShort, provinceKey, wardCode, ward, wardShort, wardType, wardKey"
        " FROM admin_units"
    ):
        province_code = row["provinceCode"]
        if province_code not in places:
            places[province_code] = Place(province_code, row["province"], row["provinceShort"], "province", province_code)
            provinces[name_key(row["provinceShort"])] = province_code
            province_by_key[row["provinceKey"]] = province_code
        place = Place(
            row["wardCode"], row["ward"], row["wardShort"], _LEVELS.get(row["wardType"], "commune"), province_code
        )
        places[place.code] = place
        units[(province_code, name_key(row["wardShort"]))] = place
        units_by_name[name_key(row["wardShort"])].append(place)
        unit_by_key[(province_code, row["wardKey"])] = place
    table = _converter_table()
    new_province_of_former: dict[str, str] = {}
    for new_key, former_keys in table["DICT_PROVINCE"].items():
        for former_key in former_keys:  # type: ignore[attr-defined]
            new_province_of_former[former_key] = province_by_key[new_key]
    unit_of_former_ward: dict[str, Place] = {}
    for new_province_key, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, former_keys in wards.items():  # type: ignore[attr-defined]
            place = unit_by_key.get((province_by_key[new_province_key], new_ward_key))
            for former_key in former_keys:
                if place:
                    unit_of_former_ward[former_key] = place
    for new_province_key, wards in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for former_key, choices in wards.items():  # type: ignore[attr-defined]
            default = next((choice["newWardKey"] for choice in choices if choice["isDefaultNewWard"]), None)
            place = unit_by_key.get((province_by_key[new_province_key], default or ""))
            if place:
                unit_of_former_ward[former_key] = place
    former_units: dict[tuple[str, str], Place] = {}
    former_districts: dict[tuple[str, str], Place] = {}
    former_names: dict[str, set[str]] = defaultdict(set)
    for row in query(
        "SELECT province, provinceShort, provinceKey, district, districtShort, districtKey, ward, wardShort, wardKey"
        " FROM admin_units_legacy"
    ):
        province_code = new_province_of_former.get(row["provinceKey"])
        if province_code is None:
            continue
        if name_key(row["provinceShort"]) not in provinces:
            provinces[name_key(row["provinceShort"])] = province_code
            former_names[province_code].add(row["province"])
        district_key = (province_code, name_key(row["districtShort"]))
        if district_key not in former_districts:
            successor = units.get(district_key) or places[province_code]
            former_districts[district_key] = successor
            former_names[successor.code].add(f"{row['district']}, {row['province']}")
        place = unit_of_former_ward.get(f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}")
        if place is not None:
            former_units.setdefault((province_code, name_key(row["wardShort"])), place)
            former_names[place.code].add(f"{row['ward']}, {row['district']}, {row['province']}")
    for alias, name in _PROVINCE_ALIASES.items():
        if name_key(name) in provinces:
            provinces.setdefault(name_key(alias), provinces[name_key(name)])
    return Gazetteer(
        places=places, provinces=provinces, units=units,
        units_by_name={key: tuple(value) for key, value in units_by_name.items()},
        former_units=former_units, former_districts=former_districts,
        former_names={code: tuple(sorted(names)) for code, names in former_names.items()},
    )


_TYPE_WORDS = (
    "thành phố", "Thành phố", "thị trấn", "Thị trấn", "thị xã", "Thị xã", "đặc khu", "Đặc khu", "tỉnh", "Tỉnh",
    "TP.", "TP", "TX.", "TX", "huyện", "Huyện", "quận", "Quận", "xã", "Xã", "phường", "Phường",
)
_CAPITALISED = rf"[{UPPER}](?:[{LOWER}]+|'[{UPPER}][{LOWER}]*)?(?:-[{LOWER}]+)?"
_NAME = rf"{_CAPITALISED}(?:\s+{_CAPITALISED}(?![\w]))*"


# Each type word checks after itself that nothing runs into it, so the regex engine can skip to the
# letters a type word starts with; "Hợp tác xã Bình Thành" names a cooperative, not the commune.
def _not_run_into(word: str) -> str:
    """After a type word: no letter or dot before it, and not the "xã" of "Hợp tác xã"."""
    escaped = re.escape(word)
    return rf"(?<![\w.]{escaped})(?<!tác {escaped})"


_TYPED_PLACE = re.compile(rf"(?P<type>{by_first_letter(_TYPE_WORDS, _not_run_into)})\s+(?P<name>{_NAME})(?![\w])")


@cache
def _bare_province_pattern() -> re.Pattern[str]:
    """Current and former province names written without a type word ("Quảng Ninh thu hút …")."""
    names = sorted(
        {
            row["provinceShort"]
            for table in ("admin_units", "admin_units_legacy")
            for row in query(f"SELECT DISTINCT provinceShort FROM {table}")  # noqa: S608 - fixed table names
        }
        | set(_PROVINCE_ALIASES),
        key=len, reverse=True,
    )
    return re.compile(rf"(?:{by_first_letter(names, _not_after_a_letter)})(?![\w])")


def _not_after_a_letter(word: str) -> str:
    return rf"(?<![\w]{re.escape(word)})"


def find_places(text: str, start: int = 0, end: int | None = None) -> list[PlaceMention]:
    """Places written in text[start:end], in order: with a type word, and bare province names."""
    end = len(text) if end is None else end
    mentions = [
        PlaceMention(match.start(), match.end(), match[0], match["type"].lower(), match["name"])
        for match in _TYPED_PLACE.finditer(text, start, end)
    ]
    covered = [(mention.start, mention.end) for mention in mentions]
    for match in _bare_province_pattern().finditer(text, start, end):
        if not any(first <= match.start() < last for first, last in covered):
            mentions.append(PlaceMention(match.start(), match.end(), match[0], "", match[0]))
    return sorted(mentions, key=lambda mention: mention.start)


def resolve_place(mention: PlaceMention, province_code: str | None) -> Place | None:
    """The 2025 unit a mention names, reading ambiguous names within `province_code`."""
    return _resolve(mention.type_word, mention.name, province_code)


@cache
def _resolve(type_word: str, name: str, province_code: str | None) -> Place | None:
    known = gazetteer()
    key = name_key(name)
    province = known.provinces.get(key)
    if type_word in ("", "tỉnh") or (type_word in _CITY_WORDS and province and is_city(province)):
        return known.places[province] if province else None
    if type_word in _UNIT_WORDS:
        return _in_province(known.units, known.units_by_name, key, province_code) or _former(
            known.former_units, key, province_code
        )
    if type_word in _FORMER_DISTRICT_WORDS or type_word in _CITY_WORDS:
        return _former(known.former_districts, key, province_code) or _in_province(
            known.units, known.units_by_name, key, province_code
        )
    return None


def is_city(province_code: str) -> bool:
    """Whether a province-level unit is a centrally run city ("thành phố Cần Thơ")."""
    return gazetteer().places[province_code].name.startswith("Thành phố")


def _in_province(
    units: dict[tuple[str, str], Place], units_by_name: dict[str, tuple[Place, ...]], key: str,
    province_code: str | None,
) -> Place | None:
    if province_code and (place := units.get((province_code, key))):
        return place
    candidates = units_by_name.get(key, ())
    return candidates[0] if len(candidates) == 1 else None


def _former(table: dict[tuple[str, str], Place], key: str, province_code: str | None) -> Place | None:
    if province_code and (place := table.get((province_code, key))):
        return place
    candidates = {place for (_, name), place in table.items() if name == key}
    return candidates.pop() if len(candidates) == 1 else None


def province_code_of(name: str) -> str | None:
    """The code of a province named without its type, current or former ("Quảng Ninh", "Hải Dương")."""
    return gazetteer().provinces.get(name_key(name))


def place_rows() -> list[tuple[str, str, str, str, str, list[str]]]:
    """Every 2025 unit as (code, name, short name, level, province code, former names), provinces first."""
    known = gazetteer()
    return [
        (place.code, place.name, place.short_name, place.level, place.province_code,
         list(known.former_names.get(place.code, ())))
        for place in sorted(known.places.values(), key=lambda place: (place.level != "province", place.code))
    ]
