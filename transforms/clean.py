"""Article text from a page: boilerplate boxes removed, paragraphs collected in order (selectors or generic)."""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from selectolax.lexbor import LexborNode

from transforms.authors import is_name
from transforms.text import comparison_key, normalise_text

# Never article text, whatever the site.
# Not <form>: ASP.NET and SharePoint pages wrap the whole page in one.
NOISE_TAGS = "script, style, template, iframe, button, select, textarea, nav, svg, canvas, object, embed"
# Class or id words of boxes around the article: sharing, tags, related and most-read lists,
# breadcrumbs, text-size widgets, comments, advertising.
_BOX_WORD = re.compile(
    r"(?:^|[-_ ])(?:related|relate|lien-?quan|tinlienquan|same-?cat|most-?read|mostview|most-?viewed|"
    r"xem-?nhieu|doc-?nhieu|read-?more|readmore|doc-?them|xem-?them|share|sharing|social|tags|tag-?list|tag-?cloud|tags?-?box|"
    r"keywords?|tu-?khoa|tin-?khac|tin-?lien-?quan|box-?tin|breadcrumbs?|font-?size|text-?size|fontsize|print|comments?|banner|advert\w*|ads?|"
    r"sidebar|newsletter|subscribe|toolbar|rating|author-box|pagination|paging|menu|navbar|navigation|copyright)(?:$|[-_ ])",
    re.IGNORECASE,
)
# Headings of boxes that list other articles ("Đọc thêm", "Tin liên quan"…).
_BOX_LABELS = tuple(
    comparison_key(label)
    for label in (
        "đọc thêm", "xem thêm", "tin liên quan", "bài liên quan", "tin cùng chuyên mục",
        "tin khác", "các tin khác", "đọc nhiều", "xem nhiều", "tin đọc nhiều", "tin xem nhiều",
        "bài viết liên quan", "có thể bạn quan tâm", "tin mới", "tin nổi bật", "từ khóa", "tags",
        "chia sẻ", "bình luận",
    )
)
_FONT_WIDGET = re.compile(r"^(?:a\s*a|a\s*[+-]\s*a?\s*[+-]?|[-+]?\s*a\s*[-+]|cỡ chữ.*|font.*|in bài.*|print)$", re.IGNORECASE)
BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd div section article main aside header footer "
    "blockquote pre table tbody thead tfoot tr td th figure figcaption center address hr".split()
)
_LEAF_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd pre".split())


def remove_noise(root: LexborNode, drop: tuple[str, ...] = ()) -> None:
    """Take scripts, widgets, hidden elements and boxes around the article out of the subtree, in place."""
    for node in root.css(NOISE_TAGS):
        node.decompose()
    for node in root.css(_MAYBE_HIDDEN):
        # Hidden icons and empty toggles are left: only text a reader never sees matters here.
        if node.parent is not None and node.tag not in ("body", "html") and _is_hidden(node) and len((node.text() or "").strip()) >= 30:
            node.decompose()
    if drop:
        for node in root.css(", ".join(drop)):
            node.decompose()
    for node in root.css("[class], [id]"):
        if node.parent is not None and _is_box(node):
            node.decompose()
    # Whitespace between tags is no label, and skipping it spares a node object for each.
    texts = root.traverse(include_text=True, skip_empty=True)
    labels = [node for node in texts if node.is_text_node and is_box_label(node.text_content)]
    for label in labels:
        element = label.parent
        # A label loose inside a bigger element ("Tags:" in the article column) names no box of its own.
        if element is None or not is_box_label(element.text()):
            continue
        # Climb from the text to the element that holds nothing but the label: <p><strong>Đọc thêm</strong></p>.
        while element.parent is not None and element.parent.mem_id != root.mem_id and is_box_label(element.parent.text()):
            element = element.parent
        if element.mem_id != root.mem_id and _attached(element, root):
            _box_of(element, root).decompose()
    for node in root.css("footer, aside"):
        node.decompose()


_INLINE = frozenset(("strong", "b", "em", "i", "span", "font", "u"))
_TEASER_TITLE = 25  # characters: a link this long is another article's headline


def teaser_lines(root: LexborNode) -> frozenset[str]:
    """Comparison keys of the paragraphs inside the text that are nothing but a link to another article.

    They are dropped from the extracted paragraphs rather than from the page: the generic
    extractor weighs a page by its links, and takes other blocks when they go.
    """
    teasers = set()
    for link in root.css("p a[href], h3 a[href], h4 a[href]"):
        href = (link.attributes.get("href") or "").strip()
        if href.startswith(("#", "javascript:", "mailto:", "tel:")) or len(text := normalise_text(link.text())) < _TEASER_TITLE:
            continue
        block = link.parent
        while block is not None and block.tag in _INLINE:
            block = block.parent
        if block is not None and block.tag in ("p", "h3", "h4") and normalise_text(block.text()) == text:
            teasers.add(comparison_key(text))
    return frozenset(teasers)


# What readers never see: a hidden reader-mail box is no part of the article.
_MAYBE_HIDDEN = "[hidden], [style*=none], [style*=hidden], [aria-hidden=true]"
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _is_hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    return (
        "hidden" in attributes
        or (attributes.get("aria-hidden") or "").lower() == "true"
        or _HIDDEN_STYLE.search(attributes.get("style") or "") is not None
    )


# Lines inside the text that are not the article's: calls for readers' mail, pointers to other
# articles, and the signature of a reader's question in a questions-and-answers article.
_READER_CALL = re.compile(
    r"^\W{0,3}(?:mời (?:quý )?(?:bạn đọc|độc giả)|(?:quý )?(?:bạn đọc|độc giả) (?:có thể |vui lòng )?(?:gửi|đặt câu hỏi|tham gia)"
    r"|mọi (?:ý kiến|thông tin|thắc mắc)[^.]{0,60}(?:gửi|xin gửi|liên hệ)|ý kiến (?:đóng góp|phản hồi) (?:xin )?gửi về)",
    re.IGNORECASE,
)
_POINTER = re.compile(
    r"^\W{0,2}(?:>>+|»+|(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|mời xem|video liên quan)\s*(?::|>+|»))\s*\S",
    re.IGNORECASE,
)
_READER_SIGNATURE = re.compile(r"^\(?\s*(?:câu hỏi của bạn đọc|bạn đọc|độc giả|bạn)\s+(.+?)\s*\)?\.?$", re.IGNORECASE)
_AFTER_NAME = re.compile(r"\s*[,(–-]\s*")
# The site's footer line, which table layouts leave inside the article's cell.
_COPYRIGHT = re.compile(r"^\W{0,3}(?:bản quyền thuộc|ghi rõ nguồn|giấy phép (?:số|xuất bản))", re.IGNORECASE)
_NOISE_START = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (_READER_CALL, _POINTER, _COPYRIGHT)), re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def is_noise_line(block: str) -> bool:
    """A line of the text that is a call for readers' mail, a pointer to another article, a reader's
    signature or the site's copyright line."""
    if len(block) > 300:
        return False
    if _NOISE_START.match(block):
        return True
    signature = _READER_SIGNATURE.match(block) if len(block) <= 100 else None
    if signature and is_name(_AFTER_NAME.split(signature.group(1), maxsplit=1)[0]):
        return True
    # A short line that hands out an e-mail address is the reader-mail box's address line.
    return len(block) <= 160 and "@" in block and _EMAIL.search(block) is not None and "gửi" in block.lower()


def _is_box(node: LexborNode) -> bool:
    """A element named like a box that also reads like one: little text, or mostly links."""
    attributes = node.attributes
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    if _BOX_WORD.search(names) is None or node.tag in ("body", "html", "article", "main"):
        return False
    # Wrappers such as "content has-sidebar" match by name but hold the article's paragraphs.
    return len(normalise_text(node.text())) < 200 or _mostly_links(node)


def is_box_label(text: str | None) -> bool:
    """True for the label of a box of other links: "Đọc thêm", "Tin liên quan:", "aA"."""
    # Most short text nodes are the line breaks between tags.
    if not text or len(text) > 60 or text.isspace():
        return False
    key = comparison_key(text).strip(" :>»-–")
    if not key or len(key) > 40:
        return False
    return key in _BOX_LABELS or _FONT_WIDGET.match(key) is not None


def _attached(node: LexborNode, root: LexborNode) -> bool:
    """Whether an earlier removal has not already taken the node out of the tree."""
    while node is not None:
        if node.mem_id == root.mem_id:
            return True
        node = node.parent
    return False


def _box_of(label: LexborNode, root: LexborNode) -> LexborNode:
    """The label's own box: its closest ancestors while they stay small and are links or the label's line."""
    box = label
    label_key = comparison_key(label.text())
    node = label.parent
    for _ in range(3):
        if node is None or node.mem_id == root.mem_id:
            break
        text = node.text()
        # "Từ khóa: a, b, c" is one line that starts with its label, links or not.
        labelled_line = len(text) < 300 and comparison_key(text).startswith(label_key)
        if len(text) > 1500 or not (labelled_line or _mostly_links(node)):
            break
        box = node
        node = node.parent
    return box


def _mostly_links(node: LexborNode) -> bool:
    text = len(normalise_text(node.text()))
    linked = sum(len(normalise_text(link.text())) for link in node.css("a"))
    return text > 0 and linked >= 0.5 * text


def paragraphs(root: LexborNode) -> list[str]:
    """The text blocks of the subtree in document order, one string per paragraph or heading."""
    for line_break in root.css("br"):
        line_break.replace_with(" ")
    blocks: list[str] = []
    _collect(root, blocks, 0)
    return [block for block in blocks if block]


# Unclosed tags can nest thousands deep; below this depth a block is read as one paragraph.
_DEEPEST = 150


def _collect(node: LexborNode, blocks: list[str], depth: int) -> None:
    if depth > _DEEPEST or (node.tag in _LEAF_BLOCKS and not any(child.tag in _LEAF_BLOCKS for child in node.iter())):
        blocks.append(normalise_text(node.text()))
        return
    run: list[str] = []
    for child in node.iter(include_text=True):
        if child.is_text_node:
            run.append(child.text_content or "")
        elif child.tag in BLOCK_TAGS or child.tag in _LEAF_BLOCKS:
            blocks.append(_run_text(run))
            run = []
            _collect(child, blocks, depth + 1)
        elif child.is_element_node:
            run.append(child.text() or "")
    blocks.append(_run_text(run))


def _run_text(run: list[str]) -> str:
    text = "".join(run)
    # Between blocks the run is mostly the markup's line breaks, which normalise to nothing.
    return "" if not text or text.isspace() else normalise_text(text)


# Precision mode scores best on the extraction benchmark; when it keeps almost nothing,
# the page is unusual and the balanced mode usually finds the article.
_PRECISE = {"include_comments": False, "favor_precision": True}
_BALANCED = {"include_comments": False}
_SHORT_BODY = 1000  # characters


def generic_paragraphs(html: str, url: str) -> list[str]:
    """The article's paragraphs as trafilatura finds them in a page already stripped of captions and boxes."""
    html = _divs_as_paragraphs(html)
    blocks = _trafilatura_blocks(html, url, _PRECISE)
    length = sum(map(len, blocks))
    if length < _SHORT_BODY:
        balanced = _trafilatura_blocks(html, url, _BALANCED)
        if sum(map(len, balanced)) > 2 * length:
            return balanced
    return blocks


def _trafilatura_blocks(html: str, url: str, options: dict[str, bool]) -> list[str]:
    document = trafilatura.bare_extraction(html, url=url, **options)
    if document is None or document.body is None:
        return []
    blocks: list[str] = []
    for element in document.body:
        _element_blocks(element, blocks)
    return [block for block in blocks if block]


# trafilatura's output elements that hold other blocks rather than text of their own.
_CONTAINERS = frozenset(("table", "row", "cell", "list", "item", "quote", "div"))
_STRUCTURE = frozenset(("p", "head", "list", "table", "quote", "code", "row", "cell", "item"))


def _element_blocks(element: lxml.html.HtmlElement, blocks: list[str]) -> None:
    """Flatten one element of trafilatura's output into paragraphs; layout tables are unpacked."""
    if element.tag not in _CONTAINERS or not any(child.tag in _STRUCTURE for child in element.iterdescendants()):
        blocks.append(normalise_text("".join(element.itertext())))
        return
    blocks.append(normalise_text(element.text or ""))
    for child in element:
        _element_blocks(child, blocks)
        blocks.append(normalise_text(child.tail or ""))


def _divs_as_paragraphs(html: str) -> str:
    """The page with runs of text-only <div> siblings turned into <p> paragraphs.

    CMS editors (SharePoint, pasted Word) write one <div> per paragraph; trafilatura would
    merge them into one block and glue the closing byline onto the last paragraph. A lone
    text <div> is more often a widget than a paragraph, so only runs of three or more change.
    """
    document = lxml.html.document_fromstring(html)
    for parent in document.iter():
        divisions = [child for child in parent if _is_text_division(child)]
        if len(divisions) >= 3:
            for division in divisions:
                division.tag = "p"
    return lxml.html.tostring(document, encoding="unicode")


def _is_text_division(element: lxml.html.HtmlElement) -> bool:
    if element.tag != "div" or not (element.text or "").strip():
        return False
    return not any(isinstance(inner.tag, str) and inner.tag in BLOCK_TAGS for inner in element.iterdescendants())
