"""The city youth paper markup (imitates tuoitrethudo.vn): "aa" font widget, breadcrumb, section-and-date line.

URLs under the site root: /<slug>-<id>.html, /<section>[?page=<k>], /tin-moi[?page=<k>], /tag/<tag-slug>,
/sitemap.xml (an index of /sitemaps/<section>.xml), /rss.xml, and /private/ (disallowed by robots.txt).
"""

from __future__ import annotations

from mirror import render_feeds
from mirror.chrome import (
    PAGE_SIZE,
    Page,
    SiteView,
    body_blocks,
    byline_lines,
    escape,
    local,
    make_page,
    most_read,
    news_article_json_ld,
    pages_of,
    related,
    slugify,
    weekday,
)
from mirror.content import MirrorArticle, MirrorCaption

PUBLISHER = "Tuổi trẻ Thủ đô"
LATEST = "tin-moi"
PRIVATE_PATH = "/private/ban-thao-noi-bo-999999.html"


def article_path(article: MirrorArticle) -> str:
    return f"/{article.slug}-{article.id}.html"


def listing_path(name: str, page: int) -> str:
    return f"/{name}" if page == 1 else f"/{name}?page={page}"


def _stamp(article: MirrorArticle) -> str:
    return f"{local(article.published_at):%d/%m/%Y %H:%M}"


def _head(title: str, canonical: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="canonical" href="{escape(canonical)}">\n'
        f'<meta property="og:title" content="{escape(title)}">\n'
        f"{extra}</head>\n"
    )


def _header(view: SiteView, today: str) -> str:
    items = "".join(
        f'<li><a href="{view.prefix}/{slug}">{escape(name)}</a></li>' for slug, name in view.sections.items()
    )
    return (
        '<header class="site-header">\n'
        f'<div class="header-top"><span class="today">{escape(today)}</span>'
        ' <a href="#">Đăng ký nhận tin</a></div>\n'
        f'<a class="logo" href="{view.prefix}/"><img src="{view.prefix}/images/logo-tttd.png" alt="{PUBLISHER}"></a>\n'
        f'<nav class="main-nav"><ul><li><a href="{view.prefix}/">Trang chủ</a></li>{items}'
        f'<li><a href="{view.prefix}/{LATEST}">Tin mới</a></li></ul></nav>\n'
        "</header>\n"
    )


def _footer() -> str:
    return (
        '<footer class="site-footer">\n'
        f"<p><strong>BÁO {PUBLISHER.upper()}</strong> - Cơ quan của Thành đoàn Hà Nội</p>\n"
        "<p>Địa chỉ: Số 5 Hàng Cháo, phường Văn Miếu - Quốc Tử Giám, Hà Nội</p>\n"
        "<p>Điện thoại: 024.3733.0388 - Email: toasoan@tuoitrethudo.vn</p>\n"
        "<p>Giấy phép số 478/GP-BTTTT do Bộ Thông tin và Truyền thông cấp.</p>\n"
        "</footer>\n"
    )


def _most_read_box(view: SiteView, article: MirrorArticle | None) -> str:
    items = "".join(
        f'<li><span class="rank">{rank}</span> <a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a></li>'
        for rank, other in enumerate(most_read(article, view.articles), start=1)
    )
    return f'<div class="most-read"><h3 class="box-title">Đọc nhiều</h3><ul>{items}</ul></div>\n'


def _figure(view: SiteView, caption: MirrorCaption, article: MirrorArticle) -> str:
    credit = f" ({escape(caption.credit)})" if caption.credit else ""
    # Half the desk leaves the CMS's default alt text in place of the caption.
    alt = "Chú thích ảnh" if article.id % 2 == 1 else caption.text
    return (
        f'<figure class="image"><img src="{escape(view.prefix + caption.image)}" alt="{escape(alt)}">'
        f"<figcaption>{escape(caption.text)}{credit}</figcaption></figure>\n"
    )


def _body(view: SiteView, article: MirrorArticle) -> str:
    parts: list[str] = []
    if not article.captions:
        parts.append(
            f'<figure class="image"><img src="{view.prefix}/images/{article.id}-0.jpg" alt="Ảnh minh họa"></figure>\n'
        )
    reading = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a></li>'
        for other in related(article, view.articles, 2)
    )
    for kind, value, index in body_blocks(article):
        if kind != "photo" and index == 2 and reading:
            parts.append(f'<div class="related-news inline"><p class="related-title">Đọc thêm</p><ul>{reading}</ul></div>\n')
        if kind == "heading":
            parts.append(f"<h2>{escape(str(value))}</h2>\n")
        elif kind == "paragraph":
            parts.append(f"<p>{escape(str(value))}</p>\n")
        else:
            assert isinstance(value, MirrorCaption)
            parts.append(_figure(view, value, article))
    for role, name in byline_lines(article, upper=False):
        label = f"{escape(role)}: " if role else ""
        parts.append(f'<p class="article-author" style="text-align: right;">{label}<strong>{escape(name)}</strong></p>\n')
    return "".join(parts)


def _share(url: str) -> str:
    return (
        '<div class="social-share"><span>Chia sẻ</span> '
        f'<a class="fb" rel="nofollow" href="https://www.facebook.com/sharer/sharer.php?u={escape(url)}">Facebook</a> '
        f'<a class="zalo" rel="nofollow" href="https://sp.zalo.me/share_inline?url={escape(url)}">Zalo</a></div>\n'
    )


def article_page(view: SiteView, article: MirrorArticle) -> str:
    """The article page: section and date line, font-size widget, sapo, body, tags, boxes."""
    url = view.absolute(article_path(article))
    section = view.sections.get(article.section, article.section)
    first_image = view.absolute(article.captions[0].image) if article.captions else None
    extra = (
        f'<meta name="description" content="{escape(article.lead)}">\n'
        '<meta property="og:type" content="article">\n'
        + (news_article_json_ld(article, url, section, PUBLISHER, first_image) + "\n" if article.json_ld else "")
    )
    tags = "".join(f'<a href="{view.prefix}/tag/{slugify(tag)}">{escape(tag)}</a>' for tag in article.tags)
    same_section = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a></li>'
        for other in related(article, view.articles, 4)
    )
    published = local(article.published_at)
    return (
        _head(article.title, url, extra)
        + '<body class="detail">\n'
        + _header(view, f"{weekday(published)}, ngày {published:%d/%m/%Y}")
        + '<div class="container"><div class="main-col">\n'
        f'<ol class="breadcrumb"><li><a href="{view.prefix}/">Trang chủ</a></li>'
        f'<li><a href="{view.prefix}/{article.section}">{escape(section)}</a></li></ol>\n'
        '<div class="article-detail">\n'
        f'<div class="article-meta"><a class="article-cate" href="{view.prefix}/{article.section}">{escape(section)}</a> '
        f'<span class="article-date">{_stamp(article)}</span>'
        '<div class="font-size"><span class="aa">aa</span> <a class="font-down" href="javascript:void(0)">A-</a>'
        ' <a class="font-up" href="javascript:void(0)">A+</a></div></div>\n'
        f'<h1 class="article-title">{escape(article.title)}</h1>\n'
        + _share(url)
        + f'<div class="article-sapo">{escape(article.lead)}</div>\n'
        f'<div class="article-content">\n{_body(view, article)}</div>\n'
        f'<div class="article-tags"><span class="tag-label">Tags:</span> {tags}</div>\n'
        + _share(url)
        + "</div>\n"
        + (f'<div class="related-news bottom"><h3 class="box-title">Tin cùng chuyên mục</h3><ul>{same_section}</ul></div>\n'
           if same_section else "")
        + '</div>\n<aside class="sidebar">\n'
        + _most_read_box(view, article)
        + "</aside></div>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


def private_page(view: SiteView) -> str:
    """A page robots.txt forbids; if it ever lands, the crawler ignored robots.txt."""
    return (
        _head("Bản thảo nội bộ - không xuất bản", view.absolute(PRIVATE_PATH))
        + '<body class="detail">\n<div class="article-detail">\n'
        '<h1 class="article-title">Bản thảo nội bộ - không xuất bản</h1>\n'
        '<div class="article-sapo">Trang dành cho biên tập viên; máy tìm kiếm không được thu thập.</div>\n'
        '<div class="article-content"><p>Nội dung đang biên tập.</p></div>\n'
        "</div>\n</body>\n</html>\n"
    )


def _listing(view: SiteView, heading: str, name: str, page: int, total: int,
             articles: tuple[MirrorArticle, ...], canonical_path: str | None = None) -> str:
    stories = "".join(
        '<article class="story">'
        f'<a class="story-thumb" href="{view.prefix}{article_path(article)}">'
        f'<img src="{view.prefix}/images/{article.id}-thumb.jpg" alt="{escape(article.title)}"></a>'
        f'<h3 class="story-title"><a href="{view.prefix}{article_path(article)}">{escape(article.title)}</a></h3>'
        f'<span class="story-date">{_stamp(article)}</span>'
        f'<p class="story-sapo">{escape(article.lead)}</p></article>\n'
        for article in articles
    )
    next_link = (
        f' <a class="next" href="{view.prefix}{listing_path(name, page + 1)}">Trang tiếp</a>' if page < total else ""
    )
    numbers = " ".join(
        f'<span class="active">{number}</span>' if number == page
        else f'<a href="{view.prefix}{listing_path(name, number)}">{number}</a>'
        for number in range(1, total + 1)
    )
    return (
        _head(f"{heading} - {PUBLISHER}", view.absolute(canonical_path or listing_path(name, page)))
        + '<body class="category">\n'
        + _header(view, PUBLISHER)
        + '<div class="container"><div class="main-col">\n'
        f'<ol class="breadcrumb"><li><a href="{view.prefix}/">Trang chủ</a></li><li>{escape(heading)}</li></ol>\n'
        f'<h1 class="cate-title">{escape(heading)}</h1>\n'
        f'<div class="list-story">\n{stories}</div>\n'
        f'<div class="pagination">{numbers}{next_link}</div>\n'
        '</div>\n<aside class="sidebar">\n'
        + _most_read_box(view, None)
        + f'<div class="box-editor"><a href="{view.prefix}{PRIVATE_PATH}">Khu vực biên tập</a></div>\n'
        + "</aside></div>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


def render_site(view: SiteView) -> dict[str, Page]:
    """Every page of the site by request target, the robots-forbidden private page included."""
    pages: dict[str, Page] = {}
    for article in view.articles:
        pages[view.prefix + article_path(article)] = make_page(
            article_page(view, article), last_modified=article.published_at
        )
    listings = [(LATEST, "Tin mới", view.articles)]
    listings += [(slug, name, view.in_section(slug)) for slug, name in view.sections.items()]
    for slug, name, articles in listings:
        chunks = pages_of(articles)
        for number, chunk in enumerate(chunks, start=1):
            pages[view.prefix + listing_path(slug, number)] = make_page(
                _listing(view, name, slug, number, len(chunks), chunk),
                last_modified=chunk[0].published_at if chunk else None,
            )
    for tag in sorted({tag for article in view.articles for tag in article.tags}):
        tagged = tuple(article for article in view.articles if tag in article.tags)
        pages[view.prefix + f"/tag/{slugify(tag)}"] = make_page(
            _listing(view, tag, f"tag/{slugify(tag)}", 1, 1, tagged[:20]), last_modified=tagged[0].published_at
        )
    pages[view.prefix + "/"] = make_page(
        _listing(view, PUBLISHER, LATEST, 1, 1, view.articles[:PAGE_SIZE], canonical_path="/"),
        last_modified=view.newest,
    )
    pages[view.prefix + PRIVATE_PATH] = make_page(private_page(view))
    pages[view.prefix + "/rss.xml"] = render_feeds.rss(PUBLISHER, view, view.articles[:50], article_path)
    children = []
    for slug in view.sections:
        in_section = view.in_section(slug)
        pages[view.prefix + f"/sitemaps/{slug}.xml"] = render_feeds.sitemap(in_section, view, article_path)
        children.append((view.absolute(f"/sitemaps/{slug}.xml"), in_section[0].published_at if in_section else None))
    pages[view.prefix + "/sitemap.xml"] = render_feeds.sitemap_index(children)
    return pages
