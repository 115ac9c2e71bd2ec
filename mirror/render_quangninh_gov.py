"""The SharePoint provincial portal markup (imitates quangninh.gov.vn): nested tables, ms-rtestate-field, no JSON-LD.

URLs under the site root: /Trang/ChiTietTinTuc.aspx?nid=<id>, /Trang/Tin-tuc-su-kien.aspx?Cat=<n>&Page=<k>
(all news without Cat), /Trang/Default.aspx, /rss.xml, /sitemap.xml.
"""

from __future__ import annotations

from mirror import render_feeds
from mirror.chrome import (
    Page,
    SiteView,
    body_blocks,
    byline_lines,
    escape,
    local,
    make_page,
    most_read,
    pages_of,
    related,
)
from mirror.content import MirrorArticle, MirrorCaption

PUBLISHER = "Cổng thông tin điện tử tỉnh Quảng Ninh"
LIST_PAGE = "/Trang/Tin-tuc-su-kien.aspx"
# SharePoint posts its whole page state back; crawlers see this blob on every page.
VIEWSTATE = "/wEPDwUKLTcxNjQ4NzYwOA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIDD2QWAmYPZBYCAgEPFgIeB1Zpc2libGVoZGQYAQUeX19Db250cm9sc1JlcXVpcmVQb3N0QmFja0tleV9fFgE="


def article_path(article: MirrorArticle) -> str:
    return f"/Trang/ChiTietTinTuc.aspx?nid={article.id}"


def listing_path(category: str | None, page: int) -> str:
    parameters = ([f"Cat={category}"] if category else []) + ([f"Page={page}"] if page > 1 else [])
    return LIST_PAGE + ("?" + "&".join(parameters) if parameters else "")


def _published(article: MirrorArticle) -> str:
    moment = local(article.published_at)
    return f"{moment.day}/{moment.month}/{moment.year} | {moment:%H:%M}"


def _head(view: SiteView, title: str, canonical: str) -> str:
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html dir="ltr" lang="vi-VN">\n<head>'
        '<meta http-equiv="X-UA-Compatible" content="IE=10" />'
        '<meta http-equiv="Content-type" content="text/html; charset=utf-8" />\n'
        f"<title>\r\n\t{escape(title)}\r\n</title>\n"
        f'<link rel="canonical" href="{escape(canonical)}" />\n'
        f'<meta property="og:title" content="{escape(title)}" />\n'
        '<link rel="stylesheet" type="text/css" href="/_layouts/15/1066/styles/Themable/corev15.css?rev=2" />\n'
        '<script type="text/javascript">var _spPageContextInfo={webServerRelativeUrl:"/",'
        'webLanguage:1066,currentLanguage:1066,siteClientTag:"0$$16.0.5413.1000"};</script>\n'
        "</head>\n"
    )


def _menu(view: SiteView) -> str:
    items = "".join(
        f'<li class="static"><a class="static menu-item" href="{view.prefix}{listing_path(number, 1)}">'
        f'<span class="additional-background"><span class="menu-item-text">{escape(name)}</span></span></a></li>'
        for number, name in view.sections.items()
    )
    return (
        '<table class="tbl-header" width="100%" cellpadding="0" cellspacing="0"><tr>'
        f'<td><img src="{view.prefix}/PublishingImages/banner.jpg" alt="{PUBLISHER}" /></td></tr></table>\n'
        '<div class="menu-top ms-core-listMenu-horizontalBox"><ul class="root ms-core-listMenu-root static">'
        f'<li class="static"><a class="static menu-item" href="{view.prefix}/Trang/Default.aspx">'
        '<span class="menu-item-text">Trang chủ</span></a></li>'
        f"{items}"
        '<li class="static"><a class="static menu-item" href="#"><span class="menu-item-text">Thủ tục hành chính</span></a></li>'
        "</ul></div>\n"
    )


def _footer() -> str:
    return (
        '<div class="footer"><table width="100%"><tr><td>\n'
        "<p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Quảng Ninh</p>\n"
        "<p>Địa chỉ: Tầng 11, Trụ sở Liên cơ quan số 3, phường Hồng Hà, tỉnh Quảng Ninh</p>\n"
        "<p>Điện thoại: 0203.3634.399 - Email: congthongtin@quangninh.gov.vn</p>\n"
        "<p>Ghi rõ nguồn “Cổng thông tin điện tử tỉnh Quảng Ninh” khi phát hành lại thông tin từ Cổng.</p>\n"
        "</td></tr></table></div>\n"
    )


def _side(view: SiteView, article: MirrorArticle | None) -> str:
    items = "".join(
        f'<tr><td class="ms-vb"><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a></td></tr>'
        for other in most_read(article, view.articles)
    )
    return (
        '<td class="col-right" valign="top" width="30%">'
        '<div class="ms-webpart-chrome"><div class="ms-webpart-titleText"><span>Đọc nhiều</span></div>'
        f'<table class="tin-doc-nhieu" width="100%">{items}</table></div>'
        '<div class="lien-ket"><select><option>-- Liên kết website --</option>'
        "<option>Chính phủ</option><option>Tỉnh ủy Quảng Ninh</option></select></div></td>\n"
    )


def _page(view: SiteView, title: str, canonical: str, action: str, main: str, side: str) -> str:
    return (
        _head(view, title, canonical)
        + '<body scroll="yes">\n'
        f'<form method="post" action="{escape(action)}" id="aspnetForm">\n'
        '<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" '
        f'value="{VIEWSTATE}" /></div>\n'
        '<div id="s4-workspace"><div id="s4-bodyContainer">\n'
        + _menu(view)
        + '<table width="100%" cellpadding="0" cellspacing="0" class="tbl-main"><tr>\n'
        f'<td class="col-left" valign="top" width="70%">\n{main}</td>\n'
        f"{side}</tr></table>\n"
        + _footer()
        + "</div></div>\n</form>\n</body>\n</html>\n"
    )


def _caption_table(view: SiteView, caption: MirrorCaption) -> str:
    credit = f" ({escape(caption.credit)})" if caption.credit else ""
    return (
        '<table class="image" align="center" border="0" cellpadding="3" cellspacing="0" style="width: 100%;"><tbody>'
        f'<tr><td><img src="{escape(view.prefix + caption.image)}" alt="{escape(caption.text)}" style="width: 100%;" /></td></tr>'
        f'<tr><td class="caption"><em>{escape(caption.text)}{credit}</em></td></tr>'
        "</tbody></table>\n"
    )


def _body(view: SiteView, article: MirrorArticle) -> str:
    parts: list[str] = []
    if not article.captions:
        parts.append(
            f'<div style="text-align: center;"><img src="{view.prefix}/images/{article.id}-0.jpg" alt="Ảnh minh họa" /></div>\n'
        )
    for kind, value, _ in body_blocks(article):
        if kind == "heading":
            parts.append(f'<div style="text-align: justify;"><strong>{escape(str(value))}</strong></div>\n')
        elif kind == "paragraph":
            # Editors paste from Word: trailing no-break spaces survive on every paragraph.
            parts.append(f'<div style="text-align: justify;">{escape(str(value))}&#160;</div>\n')
        else:
            assert isinstance(value, MirrorCaption)
            parts.append(_caption_table(view, value))
    for role, name in byline_lines(article, upper=False):
        label = f"{escape(role)}: " if role else ""
        parts.append(f'<div style="text-align: right;">{label}<strong>{escape(name)}</strong></div>\n')
    return "".join(parts)


def article_page(view: SiteView, article: MirrorArticle) -> str:
    """The portal's news detail page: title, publication date, summary and rich-text field inside tables."""
    url = view.absolute(article_path(article))
    section = view.sections.get(article.section, article.section)
    more = "".join(
        f'<li><a href="{view.prefix}{article_path(other)}">{escape(other.title)}</a>'
        f' <span class="date">({_published(other)})</span></li>'
        for other in related(article, view.articles, 5)
    )
    keywords = ", ".join(escape(tag) for tag in article.tags)
    main = (
        '<div class="breadcrumb"><span><a href="' + view.prefix + '/Trang/Default.aspx">Trang chủ</a></span>'
        f'<span> &gt; </span><span><a href="{view.prefix}{listing_path(article.section, 1)}">{escape(section)}</a></span></div>\n'
        '<div class="ms-webpart-zone ms-fullWidth"><div class="s4-wpcell-plain ms-webpartzone-cell">'
        '<div class="ms-webpart-chrome ms-webpart-chrome-fullWidth"><div class="ms-WPBody">\n'
        '<table class="news-detail" width="100%" cellpadding="0" cellspacing="0">\n'
        f'<tr><td class="title-news"><h1 class="title">{escape(article.title)}</h1></td></tr>\n'
        f'<tr><td class="date-news"><span class="date">Ngày xuất bản: {_published(article)}</span></td></tr>\n'
        '<tr><td><div class="share-social"><span>Chia sẻ</span> '
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={escape(url)}" target="_blank">Facebook</a> '
        f'<a href="https://sp.zalo.me/share_inline?url={escape(url)}" target="_blank">Zalo</a> '
        '<a href="javascript:window.print()">In trang</a> <a href="#">Gửi email</a></div></td></tr>\n'
        f'<tr><td><div class="summary"><p><strong>{escape(article.lead)}</strong></p></div></td></tr>\n'
        '<tr><td><div id="ctl00_PlaceHolderMain_ctl01__ControlWrapper_RichHtmlField" '
        'class="ms-rtestate-field" style="display:inline" aria-labelledby="ctl00_PlaceHolderMain_ctl01_label">\n'
        f"{_body(view, article)}</div></td></tr>\n"
        f'<tr><td class="tu-khoa"><span>Từ khóa: </span>{keywords}</td></tr>\n'
        "</table>\n"
        '<div class="tin-khac"><div class="title-tinkhac">Xem thêm</div>'
        f"<ul>{more}</ul></div>\n"
        "</div></div></div></div>\n"
    )
    return _page(
        view, article.title, url, f"./ChiTietTinTuc.aspx?nid={article.id}", main, _side(view, article)
    )


def _listing(view: SiteView, category: str | None, heading: str, page: int, total: int,
             articles: tuple[MirrorArticle, ...]) -> str:
    path = listing_path(category, page)
    rows = "".join(
        '<tr><td class="ms-vb2">'
        f'<a class="title-link" href="{view.prefix}{article_path(article)}">{escape(article.title)}</a>'
        f'<div class="date">Ngày xuất bản: {_published(article)}</div>'
        f'<div class="tomtat">{escape(article.lead)}</div></td></tr>\n'
        for article in articles
    )
    numbers = " ".join(
        f"<span class=\"current\">{number}</span>" if number == page
        else f'<a href="{view.prefix}{listing_path(category, number)}">{number}</a>'
        for number in range(1, total + 1)
    )
    next_link = (
        f' <a class="next-page" title="Trang Sau" href="{view.prefix}{listing_path(category, page + 1)}">Sau »</a>'
        if page < total else ""
    )
    main = (
        '<div class="breadcrumb"><span><a href="' + view.prefix + '/Trang/Default.aspx">Trang chủ</a></span>'
        f"<span> &gt; </span><span>{escape(heading)}</span></div>\n"
        f'<div class="ms-webpart-titleText"><h2>{escape(heading)}</h2></div>\n'
        f'<table class="ms-listviewtable" width="100%" cellpadding="0" cellspacing="0">\n{rows}</table>\n'
        f'<div class="paging">{numbers}{next_link}</div>\n'
    )
    return _page(view, heading, view.absolute(path), "." + path.removeprefix("/Trang"), main, _side(view, None))


def render_site(view: SiteView) -> dict[str, Page]:
    """Every page of the portal by request target; first list pages answer with and without Page=1."""
    pages: dict[str, Page] = {}
    for article in view.articles:
        pages[view.prefix + article_path(article)] = make_page(
            article_page(view, article), last_modified=article.published_at
        )
    listings: list[tuple[str | None, str, tuple[MirrorArticle, ...]]] = [(None, "Tin tức", view.articles)]
    listings += [(number, name, view.in_section(number)) for number, name in view.sections.items()]
    for category, heading, articles in listings:
        chunks = pages_of(articles)
        for number, chunk in enumerate(chunks, start=1):
            page = make_page(
                _listing(view, category, heading, number, len(chunks), chunk),
                last_modified=chunk[0].published_at if chunk else None,
            )
            pages[view.prefix + listing_path(category, number)] = page
            if number == 1:
                pages[view.prefix + listing_path(category, 1) + ("&" if category else "?") + "Page=1"] = page
    home = pages[view.prefix + listing_path(None, 1)]
    pages[view.prefix + "/"] = home
    pages[view.prefix + "/Trang/Default.aspx"] = home
    pages[view.prefix + "/rss.xml"] = render_feeds.rss(PUBLISHER, view, view.articles[:50], article_path)
    pages[view.prefix + "/sitemap.xml"] = render_feeds.sitemap(view.articles, view, article_path)
    return pages
