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


def test_headlines_that_merely_start_with_the_words_are_articles() -> None:
    assert kind(title="Ảnh hưởng của bão số 3 đến sản xuất nông nghiệp") == "article"
    assert kind(title="Trực tiếp kiểm tra công tác phòng chống lụt bão") == "article"
    assert kind(title="Video ca nhạc thu hút giới trẻ") == "article"
    assert kind(title="ẢNH: Hoa ban nở trắng núi rừng") == "photo"
    assert kind(title="Clip: Xe tải lật trên đèo") == "video"


def test_media_addresses_are_segments_or_subdomains_not_slugs() -> None:
    assert kind(url="https://video.bao.vn/le-hoi-1.html") == "video"
    assert kind(url="https://bao.vn/video-ca-nhac-thu-hut-gioi-tre-1.html") == "article"
    assert kind(url="https://bao.vn/xa-hoi/truc-tiep-kiem-tra-de-dieu-1.html") == "article"
