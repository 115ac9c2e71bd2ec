"""Page types: article, video, photo or live, from what the page declares, its address and its content."""

from __future__ import annotations

from transforms.page_types import page_type


def kind(url: str = "https://bao.vn/xa-hoi/tin-1.html", title: str = "Tin", declared: frozenset[str] = frozenset(),
         player: bool = False, characters: int = 2000, photos: int = 1) -> str:
    return page_type(player, url, title, declared, characters, photos)


def test_ordinary_article() -> None:
    assert kind() == "article"


def test_video_by_declaration_address_title_or_player() -> None:
    assert kind(declared=frozenset({"video.other"})) == "video"
    assert kind(url="https://bao.vn/video/le-hoi-1.html") == "video"
    assert kind(title="[Video] Lũ về trong đêm") == "video"
    assert kind(player=True, characters=200) == "video"


def test_article_with_an_embedded_video_stays_an_article() -> None:
    assert kind(player=True, characters=3000) == "article"


def test_photo_story() -> None:
    assert kind(title="[Ảnh] Mùa lúa chín") == "photo"
    assert kind(characters=100, photos=8) == "photo"


def test_slug_that_merely_starts_with_anh_is_not_a_photo_page() -> None:
    assert kind(url="https://bao.vn/xa-hoi/anh-hung-lao-dong-1.html") == "article"


def test_live_report() -> None:
    assert kind(declared=frozenset({"LiveBlogPosting"})) == "live"
    assert kind(title="Trực tiếp: Kỳ họp HĐND tỉnh") == "live"
