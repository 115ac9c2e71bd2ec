"""Headlines: the visible heading that the metadata's titles name, not a logo, breadcrumb or category."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from transforms.headlines import headline, same_title


def heading(body: str, stated: list[str], site_name: str | None = None) -> str:
    return headline(LexborHTMLParser(f"<html><body>{body}</body></html>"), stated, site_name)


def test_short_headline_beside_the_title_with_the_outlets_name() -> None:
    assert heading('<h1 class="title">Bão số 3</h1>', ["Bão số 3 - Báo Mẫu"]) == "Bão số 3"
    assert same_title("Bão số 3", "Bão số 3 - Báo Mẫu") and not same_title("Bão số 3", "Bão số 30 đổ bộ vào đất liền")


def test_category_path_in_the_first_h1_is_passed_over() -> None:
    body = '<h1 class="cate"><a href="/y-te">Y tế</a> &gt; <a href="/suc-khoe">Sức khỏe</a></h1><h2>Ba dấu hiệu sớm của sốt xuất huyết</h2>'
    assert heading(body, ["Ba dấu hiệu sớm của sốt xuất huyết"]) == "Ba dấu hiệu sớm của sốt xuất huyết"


def test_logo_h1_without_metadata_is_passed_over() -> None:
    body = '<h1 class="logo"><a href="/">Báo Mẫu</a></h1><h1>Khánh thành cầu Bến Thủy 3</h1>'
    assert heading(body, []) == "Khánh thành cầu Bến Thủy 3"


def test_without_a_heading_the_stated_title_loses_the_outlets_name() -> None:
    assert heading("<div>Không có tiêu đề</div>", ["Khánh thành cầu Bến Thủy 3 - Báo Mẫu"], "Báo Mẫu") == "Khánh thành cầu Bến Thủy 3"


def test_heading_with_a_label_still_matches_its_stated_title() -> None:
    body = "<h1>Video: Lễ hội đua ghe ngo trên sông Maspero</h1>"
    assert heading(body, ["Lễ hội đua ghe ngo trên sông Maspero"]) == "Video: Lễ hội đua ghe ngo trên sông Maspero"
