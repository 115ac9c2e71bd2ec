"""The modern newspaper CMS markup (imitates baoquangninh.vn): figures, sapo, inline related box, print view.

URLs under the site root: /<slug>-<7 digit id>.html, /print/<slug>-<id>.html, /<section>[/trang-<k>],
/tin-moi[/trang-<k>], /tag/<tag-slug>, /rss, /rss/news/<section>.rss, /sitemap.xml.
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
    popularity,
    related,
    slugify,
    thousands,
    weekday,
)
from mirror.content import MirrorArticle, MirrorCaption

PUBLISHER = "Báo Quảng Ninh"
LATEST = "tin-moi"
# A transparent 1×1 GIF: the placeholder lazy-loading scripts swap for data-src.
PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
TRACKING_QUERY = "?utm_source=facebook&utm_medium=social&fbclid=IwAR0mirrorQuangNinh7xK2"


def article_path(article: MirrorArticle) -> str:
    return f"/{article.slug}-{article.id}.html"


def print_path(article: MirrorArticle) -> str:
    return f"/print/{article.slug}-{article.id}.html"


def listing_path(name: str, page: int) -> str:
    return f"/{name}" if page == 1 else f"/{name}/trang-{page}"


def _header(view: SiteView) -> str:
    items = "".join(
        f'<li><a href="{view.prefix}/{slug}">{escape(name)}</a></li>' for slug, name in view.sections.items()
    )
    return (
        '<header class="header">\n'
        '<div class="top-bar"><span class="hotline">Đường dây nóng: 0203.3835.017</span>'
        ' <a href="#">Báo in</a> <a href="#">Đăng nhập</a></div>\n'
        f'<a class="logo" href="{view.prefix}/"><img src="{view.prefix}/images/logo.png" alt="{PUBLISHER}"></a>\n'
        f'<nav class="main-menu"><ul><li class="home"><a href="{view.prefix}/">Trang chủ</a></li>{items}'
        f'<li><a href="{view.prefix}/{LATEST}">Tin mới</a></li></ul></nav>\n'
        "</header>\n"
    )


def _footer() -> str:
    return (
        '<footer class="footer">\n'
        f"<p><strong>{PUBLISHER.upper()} ĐIỆN TỬ</strong></p>\n"
        "<p>Cơ quan chủ quản: Tỉnh ủy Quảng Ninh. Tổng Biên tập: Đỗ Thị Hải Yến</p>\n"
        "<p>Địa chỉ: Số 71 đường Lê Thánh Tông, phường Hồng Gai, tỉnh Quảng Ninh</p>\n"
        "<p>Điện thoại: 0203.3835.017 - Fax: 0203.3835.216 - Email: toasoan@baoquangninh.vn</p>\n"
        "<p>Giấy phép số 107/GP-BTTTT ngày 23/3/2020 của Bộ Thông tin và Truyền thông.</p>\n"
        "</footer>\n"
    )


def _head(title: str, canonical: str, extra: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="canonical" href="{escape(canonical)}">\n'
        f'<meta property="og:title" content="{escape(title)}">\n'
        f'<meta property="og:site_name" content="{PUBLISHER}">\n'
        f"{extra}</head>\n"
    )


def _most_read_box(view: SiteView, article: MirrorArticle | None) -> str:
    items = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a>'
        f' <span class="views">{thousands(popularity(other))} lượt xem</span></li>'
        for other in most_read(article, view.articles)
    )
    return f'<div class="box-most-read"><h3 class="box-title">Đọc nhiều</h3><ol>{items}</ol></div>\n'


def _share_bar(url: str) -> str:
    return (
        '<div class="share-bar"><span class="share-label">Chia sẻ</span> '
        f'<a class="share-facebook" rel="nofollow" href="https://www.facebook.com/sharer/sharer.php?u={escape(url)}">Facebook</a> '
        f'<a class="share-zalo" rel="nofollow" href="https://sp.zalo.me/share_inline?url={escape(url)}">Zalo</a> '
        '<a class="share-copy" href="#">Sao chép liên kết</a></div>\n'
    )


def _image(view: SiteView, source: str, text: str, lazy: bool, title: bool = True) -> str:
    source = escape(view.prefix + source)
    title_attribute = f' title="{escape(text)}"' if title else ""
    if lazy:
        return f'<img class="lazyload" src="{PLACEHOLDER}" data-src="{source}" alt="{escape(text)}"{title_attribute}>'
    return f'<img src="{source}" alt="{escape(text)}"{title_attribute}>'


def _figure(view: SiteView, caption: MirrorCaption, position: int, lazy: bool) -> str:
    credit = f" <em>{escape(caption.credit)}</em>" if caption.credit else ""
    figure = (
        '<figure class="image align-center">'
        f"{_image(view, caption.image, caption.text, lazy)}"
        f"<figcaption>{escape(caption.text)}{credit}</figcaption></figure>\n"
    )
    # The CMS editors paste the caption again under every other photo.
    if position % 2 == 0:
        figure += f'<p style="text-align: center;"><em>{escape(caption.text)}</em></p>\n'
    return figure


def _body(view: SiteView, article: MirrorArticle, with_photos: bool = True) -> str:
    lazy = article.id % 2 == 1
    parts: list[str] = []
    # Even-numbered stories open with a cover photo whose alt is the headline, not a caption.
    if with_photos and article.id % 2 == 0:
        parts.append(f'<p style="text-align: center;">{_image(view, f"/images/{article.id}-0.jpg", article.title, lazy, title=False)}</p>\n')
    for kind, value, index in body_blocks(article):
        if kind != "photo" and index == 2 and with_photos:
            parts.append(_inline_related(view, article))
        if kind == "heading":
            parts.append(f"<h2><strong>{escape(str(value))}</strong></h2>\n")
        elif kind == "paragraph":
            parts.append(f'<p style="text-align: justify;">{escape(str(value))}</p>\n')
        elif with_photos:
            assert isinstance(value, MirrorCaption)
            parts.append(_figure(view, value, index, lazy))
    for role, name in byline_lines(article, upper=True):
        label = f"{escape(role)}: " if role else ""
        parts.append(f'<p class="author" style="text-align: right;">{label}<strong>{escape(name)}</strong></p>\n')
    return "".join(parts)


def _inline_related(view: SiteView, article: MirrorArticle) -> str:
    items = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a></li>'
        for other in related(article, view.articles, 2)
    )
    return f'<div class="related-news box-inline"><h3>Tin liên quan</h3><ul>{items}</ul></div>\n' if items else ""


def article_page(view: SiteView, article: MirrorArticle, printable: bool = False) -> str:
    """The article as the CMS serves it; printable adds the "In bài" link to its print view."""
    url = view.absolute(article_path(article))
    section = view.sections.get(article.section, article.section)
    first_image = view.absolute(article.captions[0].image) if article.captions else None
    published = local(article.published_at)
    extra = (
        f'<meta name="description" content="{escape(article.lead)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:url" content="{escape(url)}">\n'
        + (f'<meta property="og:image" content="{escape(first_image)}">\n' if first_image else "")
        + f'<meta property="article:published_time" content="{published.isoformat()}">\n'
        f'<meta property="article:section" content="{escape(section)}">\n'
        + (news_article_json_ld(article, url, section, PUBLISHER, first_image) + "\n" if article.json_ld else "")
    )
    tags = "".join(
        f' <a rel="tag" href="{view.prefix}/tag/{slugify(tag)}">{escape(tag)}</a>' for tag in article.tags
    )
    print_link = (
        f' <a class="print" rel="nofollow" href="{view.prefix}{print_path(article)}">In bài viết</a>' if printable else ""
    )
    more = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a>'
        f' <span class="time">{local(other.published_at):%d/%m/%Y}</span></li>'
        for other in related(article, view.articles, 4)
    )
    return (
        _head(f"{article.title} | {PUBLISHER}", url, extra)
        + '<body class="detail-page">\n'
        + _header(view)
        + '<main class="container"><div class="col-main">\n'
        f'<div class="breadcrumb"><a href="{view.prefix}/">Trang chủ</a> › '
        f'<a href="{view.prefix}/{article.section}">{escape(section)}</a></div>\n'
        '<article class="detail">\n'
        f'<h1 class="title-detail">{escape(article.title)}</h1>\n'
        f'<div class="meta-detail"><span class="date-detail">{weekday(published)}, {published:%d/%m/%Y %H:%M} (GMT+7)</span>'
        f'{print_link}</div>\n'
        + _share_bar(url)
        + f'<div class="sapo">{escape(article.lead)}</div>\n'
        f'<div class="article-content">\n{_body(view, article)}</div>\n'
        f'<div class="tags"><span class="tags-title">Từ khóa:</span>{tags}</div>\n'
        + _share_bar(url)
        + "</article>\n"
        + (f'<div class="related-news box-bottom"><h3 class="box-title">Xem thêm</h3><ul>{more}</ul></div>\n' if more else "")
        + '</div>\n<aside class="col-side">\n'
        + _most_read_box(view, article)
        + "</aside></main>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


def print_page(view: SiteView, article: MirrorArticle) -> str:
    """The print view: same text, bare chrome, canonical pointing at the article."""
    published = local(article.published_at)
    return (
        _head(article.title, view.absolute(article_path(article)), '<meta name="robots" content="noindex, follow">\n')
        + '<body class="print-page" onload="window.print()">\n'
        f'<div class="print-logo">{PUBLISHER.upper()}</div>\n'
        f"<h1>{escape(article.title)}</h1>\n"
        f'<p class="print-date">{published:%d/%m/%Y %H:%M}</p>\n'
        f"<p><strong>{escape(article.lead)}</strong></p>\n"
        f'<div class="print-content">\n{_body(view, article, with_photos=False)}</div>\n'
        f'<p class="print-source">Nguồn: {escape(view.absolute(article_path(article)))}</p>\n'
        "</body>\n</html>\n"
    )


def _listing(view: SiteView, heading: str, name: str, page: int, total: int,
             articles: tuple[MirrorArticle, ...], featured: str = "", canonical_path: str | None = None) -> str:
    canonical = view.absolute(canonical_path or listing_path(name, page))
    stories = "".join(
        '<div class="story">'
        f'<a class="story-thumb" href="{view.prefix}{article_path(article)}">'
        f'<img src="{view.prefix}/images/{article.id}-thumb.jpg" alt="{escape(article.title)}"></a>'
        f'<h3 class="story-title"><a href="{view.prefix}{article_path(article)}">{escape(article.title)}</a></h3>'
        f'<p class="story-date">{local(article.published_at):%d/%m/%Y %H:%M}</p>'
        f'<p class="story-sapo">{escape(article.lead)}</p></div>\n'
        for article in articles
    )
    links = []
    if page > 1:
        links.append(f'<a class="prev" rel="prev" href="{view.prefix}{listing_path(name, page - 1)}">Trang trước</a>')
    for number in range(1, total + 1):
        links.append(
            f'<span class="current">{number}</span>' if number == page
            else f'<a href="{view.prefix}{listing_path(name, number)}">{number}</a>'
        )
    if page < total:
        links.append(f'<a class="next" rel="next" href="{view.prefix}{listing_path(name, page + 1)}">Trang sau</a>')
    return (
        _head(f"{heading} | {PUBLISHER}", canonical)
        + '<body class="category-page">\n'
        + _header(view)
        + '<main class="container"><div class="col-main">\n'
        f'<div class="breadcrumb"><a href="{view.prefix}/">Trang chủ</a> › <span>{escape(heading)}</span></div>\n'
        f'<h1 class="category-title">{escape(heading)}</h1>\n'
        f"{featured}"
        f'<div class="list-news">\n{stories}</div>\n'
        f'<div class="pagination">{" ".join(links)}</div>\n'
        "</div>\n<aside class=\"col-side\">\n"
        + _most_read_box(view, None)
        + "</aside></main>\n"
        + _footer()
        + "</body>\n</html>\n"
    )


def _featured(view: SiteView, article: MirrorArticle) -> str:
    # Shared on social media, the link keeps the campaign parameters it was posted with.
    href = escape(view.prefix + article_path(article) + TRACKING_QUERY)
    return (
        '<div class="box-featured"><h3 class="box-title">Tin nổi bật</h3>'
        f'<a href="{href}">{escape(article.title)}</a></div>\n'
    )


def render_site(view: SiteView, print_key: str | None = None, tracking_key: str | None = None) -> dict[str, Page]:
    """Every page of the site by request target; print_key gets a print view, tracking_key a tracking link."""
    pages: dict[str, Page] = {}
    for article in view.articles:
        printable = article.key == print_key
        pages[view.prefix + article_path(article)] = make_page(
            article_page(view, article, printable), last_modified=article.published_at
        )
        if printable:
            pages[view.prefix + print_path(article)] = make_page(
                print_page(view, article), last_modified=article.published_at
            )
    listings = [(LATEST, "Tin mới", view.articles)]
    listings += [(slug, name, view.in_section(slug)) for slug, name in view.sections.items()]
    for slug, name, articles in listings:
        chunks = pages_of(articles)
        for number, chunk in enumerate(chunks, start=1):
            featured = ""
            if number == 1 and slug != LATEST:
                featured = "".join(_featured(view, a) for a in articles if a.key == tracking_key)
            pages[view.prefix + listing_path(slug, number)] = make_page(
                _listing(view, name, slug, number, len(chunks), chunk, featured),
                last_modified=chunk[0].published_at if chunk else None,
            )
    tags = sorted({tag for article in view.articles for tag in article.tags})
    for tag in tags:
        tagged = tuple(article for article in view.articles if tag in article.tags)
        pages[view.prefix + f"/tag/{slugify(tag)}"] = make_page(
            _listing(view, tag, f"tag/{slugify(tag)}", 1, 1, tagged[:20]), last_modified=tagged[0].published_at
        )
    pages[view.prefix + "/"] = make_page(
        _listing(view, PUBLISHER, LATEST, 1, 1, view.articles[:PAGE_SIZE], canonical_path="/"),
        last_modified=view.newest,
    )
    pages[view.prefix + "/rss"] = render_feeds.rss(f"{PUBLISHER} - Tin mới", view, view.articles[:50], article_path)
    for slug, name in view.sections.items():
        pages[view.prefix + f"/rss/news/{slug}.rss"] = render_feeds.rss(
            f"{PUBLISHER} - {name}", view, view.in_section(slug), article_path
        )
    pages[view.prefix + "/sitemap.xml"] = render_feeds.sitemap(view.articles, view, article_path)
    return pages
