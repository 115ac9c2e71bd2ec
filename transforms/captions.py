"""Photo captions: found once each, counted every time the page repeats them, taken out of the DOM."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborNode

from transforms.records import Caption
from transforms.text import comparison_key, normalise_text

_CREDIT_WORDS = r"(?:Ảnh|Ảnh minh họa|Ảnh minh hoạ|Ảnh tư liệu|Ảnh chụp màn hình|Nguồn|Nguồn ảnh|Photo|Clip|Video)"
_CREDIT_IN_PARENTHESES = re.compile(rf"\s*[\(\[]\s*({_CREDIT_WORDS}(?:\s*:[^()\[\]]*)?)[\)\]]\s*\.?\s*$", re.IGNORECASE)
# Outside parentheses only a capitalised "Ảnh:" starts a credit; "triển lãm ảnh: …" is caption text.
_CREDIT_AFTER = re.compile(rf"(?:^|\s*[-–—|]\s*|\s+)({_CREDIT_WORDS}\s*:\s*[^!?]*?)\s*\.?\s*$")
# Where a credit can begin: every match of _CREDIT_AFTER has one of these, at most " - " after its start.
_CREDIT_START = re.compile(rf"{_CREDIT_WORDS}\s*:")
_CREDIT_ONLY = re.compile(rf"^\s*{_CREDIT_WORDS}\s*\.?\s*$", re.IGNORECASE)
# Alt texts that editors leave as placeholders rather than captions.
_PLACEHOLDERS = frozenset(
    comparison_key(text)
    for text in ("chú thích ảnh", "ảnh minh họa", "ảnh minh hoạ", "ảnh", "image", "photo", "hình ảnh", "ảnh tư liệu")
)
# An absolute URL that urljoin would give back unchanged: lower-case http(s), a plain host, and no
# parameters, fragment, empty query or whitespace for it to drop.
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[^?#;\s]*)?(?:\?[^#\s]+)?")
_LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-srcset", "src", "srcset")
_CAPTION_CLASS = re.compile(r"caption|desc|chu-?thich|image_note|img-note|note-image", re.IGNORECASE)
_EMPHASIS = frozenset(("em", "i"))
_PARAGRAPH_TAGS = frozenset(("p", "div", "span", "em", "i", "font", "center", "small"))
# Old CMSs size a caption with <font> and centre it; a short line styled so under a photo is its caption.
_STYLED_CAPTION_TAGS = frozenset(("font", "center", "small"))
_CENTRED = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
# An illustrative photo's label, with or without where it came from: "Ảnh minh họa", "Ảnh minh họa: Internet".
_LABEL_WORDS = r"(?:Ảnh minh họa|Ảnh minh hoạ|Ảnh tư liệu|Ảnh chụp màn hình|Ảnh internet)"
_LABEL_ONLY = re.compile(rf"^\s*[(\[]?\s*({_LABEL_WORDS})\s*(?::\s*([^()\[\]]+?))?\s*[)\]]?\s*\.?\s*$", re.IGNORECASE)
_LABEL_AFTER = re.compile(rf"(?:\s*[-–—|]\s*|\s+)({_LABEL_WORDS})\s*\.?\s*$")


# A page repeats each caption in alt, title, figcaption and an italic line, and parse compares
# captions with paragraphs again: the two functions below are asked about the same texts many times.
@lru_cache(maxsize=4096)
def split_credit(text: str) -> tuple[str, str | None]:
    """("caption", "Ảnh: X") from "caption (Ảnh: X)" or "caption. Ảnh: X"; credit None when absent."""
    text = normalise_text(text)
    # Every credit form but a closing "Ảnh minh họa" has a colon or parentheses; most captions have neither.
    if ":" not in text and ")" not in text and "]" not in text:
        label = _LABEL_AFTER.search(text) if "Ảnh" in text else None
        if label and label.start() > 0:
            return text[: label.start()].strip(" -–—|"), normalise_text(label.group(1))
        return text, None
    # A credit in brackets needs an opening bracket; "caption. Ảnh: X" has none.
    match = _CREDIT_IN_PARENTHESES.search(text) if "(" in text or "[" in text else None
    if match is None:
        match = _credit_after(text)
    if match:
        return text[: match.start()].strip(" -–—|"), normalise_text(match.group(1))
    return text, None


def _credit_after(text: str) -> re.Match[str] | None:
    """_CREDIT_AFTER.search(text) for normalised text, which has no runs of spaces."""
    # Tried at every character, the pattern costs more than the rest of the caption's handling;
    # no match can start more than " - " before the first credit word that a colon follows.
    start = _CREDIT_START.search(text)
    return _CREDIT_AFTER.search(text, max(0, start.start() - 3)) if start else None


@lru_cache(maxsize=4096)
def caption_key(text: str) -> str:
    """How two repetitions of one caption are recognised: credit off, case and tone marks folded."""
    caption, _ = split_credit(text)
    return _key(caption)


def _key(caption: str) -> str:
    return comparison_key(caption).rstrip(" .")


@dataclass(slots=True)
class _Photo:
    """One photo and every piece of text the page attached to it."""

    image_url: str | None
    visible: list[str] = field(default_factory=list)  # figcaption, caption cell, <p><em> under it
    attributes: list[str] = field(default_factory=list)  # alt and title of its images


def take_captions(root: LexborNode, url: str, caption_selector: str | None, title: str) -> tuple[Caption, ...]:
    """Every photo caption under root, once, in order; caption nodes and images are removed in place."""
    photos: list[_Photo] = []
    holders: dict[int, _Photo] = {}
    doomed: list[LexborNode] = []
    caption_nodes = root.css(caption_selector) if caption_selector else []
    # A paragraph matches the selector when it is or holds one of these; one query serves every photo.
    captioned = _ancestors_within(caption_nodes, root)
    # One query finds both: telling the two tags apart costs less than a second walk of the tree.
    media = root.css("img, noscript")
    for image in media:
        if image.tag != "img" or _inside(image, "noscript", root):
            continue
        holder = _holder(image, root)
        # Each read of .attributes builds a new dict of them all.
        attributes = image.attributes
        photo = holders.get(holder.mem_id)
        if photo is None:
            photo = _Photo(_image_url(attributes, url))
            holders[holder.mem_id] = photo
            photos.append(photo)
            photo.attributes.extend(_attribute_texts(attributes))
            _read_holder(holder, photo, captioned, doomed)
            doomed.append(holder)
        else:
            photo.attributes.extend(_attribute_texts(attributes))
    doomed.extend(node for node in media if node.tag == "noscript")
    _attach_loose_captions(caption_nodes, photos, holders, doomed)
    for node in doomed:
        if node.parent is not None:
            node.decompose()
    return _merge(photos, comparison_key(title))


def _inside(node: LexborNode, tag: str, root: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != root.mem_id:
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _holder(image: LexborNode, root: LexborNode) -> LexborNode:
    """The element that stands for the photo: its figure, its caption table, or its bare wrapper."""
    node = image.parent
    wrapper = image
    while node is not None and node.mem_id != root.mem_id:
        if node.tag == "figure":
            return node
        if node.tag == "table":
            return node if len(node.css("img")) <= 2 and len(normalise_text(node.text())) < 600 else wrapper
        if node.tag in ("td", "th", "tr", "tbody", "thead"):
            # Cells lead up to a caption table; the wrapper stays the last empty element.
            node = node.parent
            continue
        if node.tag in ("p", "div", "a", "span", "picture", "center") and _is_empty_wrapper(node):
            wrapper = node
            node = node.parent
            continue
        break
    return wrapper


def _attribute_texts(attributes: dict[str, str | None]) -> list[str]:
    return [value for value in (attributes.get("alt"), attributes.get("title")) if value]


def _is_empty_wrapper(node: LexborNode) -> bool:
    """An element around the photo with no text of its own; few children keeps the test cheap on big blocks."""
    if (node.text(deep=False) or "").strip():
        return False
    children = 0
    for _ in node.iter():
        children += 1
        if children > 4:
            return False
    return not (node.text() or "").strip()


def _ancestors_within(nodes: list[LexborNode], root: LexborNode) -> set[int]:
    """The mem_id of each node and of its ancestors below root: the elements that hold one of the nodes."""
    holding: set[int] = set()
    for node in nodes:
        while node is not None and node.mem_id != root.mem_id and node.mem_id not in holding:
            holding.add(node.mem_id)
            node = node.parent
    return holding


def _read_holder(holder: LexborNode, photo: _Photo, captioned: set[int], doomed: list[LexborNode]) -> None:
    """Collect the visible caption texts inside the holder and right after it."""
    # Walking the few nodes of a photo is cheaper than compiling a CSS selector for each.
    inside = list(holder.traverse())
    if holder.tag == "figure":
        captions = [node for node in inside if node.tag == "figcaption"] or [
            node for node in inside if _CAPTION_CLASS.search(node.attributes.get("class") or "")
        ]
        photo.visible.extend(normalise_text(node.text()) for node in captions[:1])
    elif holder.tag == "table":
        photo.visible.extend(
            text
            for cell in inside
            if cell.tag in ("td", "th", "caption")
            and not any(node.tag == "img" for node in cell.traverse())
            and (text := normalise_text(cell.text()))
        )
    follower = _next_element(holder)
    if follower is None or follower.tag not in _PARAGRAPH_TAGS:
        return
    text = normalise_text(follower.text())
    if not _is_caption_paragraph(follower, text, captioned):
        return
    # Under a photo that already has its caption, an italic paragraph is article text unless it repeats it.
    known = {caption_key(known) for known in photo.visible + photo.attributes}
    if not photo.visible or caption_key(text) in known:
        photo.visible.append(text)
        doomed.append(follower)


def _next_element(node: LexborNode) -> LexborNode | None:
    """The element after the node, past whitespace and line breaks; None when text comes first."""
    sibling = node.next
    while sibling is not None and (not sibling.is_element_node or sibling.tag == "br"):
        if sibling.is_text_node and (sibling.text_content or "").strip():
            return None
        sibling = sibling.next
    return sibling


def _is_caption_paragraph(node: LexborNode, text: str, captioned: set[int]) -> bool:
    """A paragraph right under a photo that is all emphasis, a short <font> line (centred or bare), or marked
    as a caption by class or by selector."""
    attributes = node.attributes
    if _CAPTION_CLASS.search(attributes.get("class") or ""):
        return True
    if text and len(text) <= 400:
        if node.tag in _EMPHASIS:
            return True
        if node.tag in _STYLED_CAPTION_TAGS and len(text) <= 200:
            return True
        centred = (attributes.get("align") or "").lower() == "center" or _CENTRED.search(attributes.get("style") or "")
        if centred and len(text) <= 200:
            sized = "".join(child.text() or "" for child in node.traverse() if child.tag in _STYLED_CAPTION_TAGS)
            if normalise_text(sized) == text:
                return True
        emphasised = "".join(child.text() or "" for child in node.traverse() if child.tag in _EMPHASIS)
        if normalise_text(emphasised) == text:
            return True
    return node.mem_id in captioned


def _attach_loose_captions(
    caption_nodes: list[LexborNode],
    photos: list[_Photo],
    holders: dict[int, _Photo],
    doomed: list[LexborNode],
) -> None:
    """Caption elements the site's selector names that no photo holder has claimed yet."""
    claimed = {caption_key(text) for photo in photos for text in photo.visible}
    for node in caption_nodes:
        text = normalise_text(node.text())
        if not text or caption_key(text) in claimed:
            continue
        # The caption belongs to the last photo before it; its holder is an ancestor or precedes it.
        owner = next((photo for mem_id, photo in holders.items() if _has_ancestor(node, mem_id)), None)
        if owner is None and photos:
            owner = photos[-1]
        if owner is not None:
            owner.visible.append(text)
            claimed.add(caption_key(text))
            doomed.append(node)


def _has_ancestor(node: LexborNode, mem_id: int) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == mem_id:
            return True
        parent = parent.parent
    return False


def _image_url(attributes: dict[str, str | None], url: str) -> str | None:
    """The real image of a possibly lazy-loaded <img>: data-src before a placeholder src."""
    for name in _LAZY_SOURCES:
        value = (attributes.get(name) or "").strip()
        if value and not value.startswith("data:"):
            return absolute_url(url, value.split(",")[0].split(" ")[0])
    return None


def absolute_url(url: str, value: str) -> str | None:
    """urljoin(url, value), without its cost for the usual photo or canonical URL that is already absolute.

    None for an address that cannot be read ("http://[::1", an unclosed IPv6 host): a page's
    broken link is the page's business, never a reason to lose its article.
    """
    try:
        if _PLAIN_ABSOLUTE.fullmatch(value):
            # urljoin would still reject a malformed page URL; urlsplit remembers the ones it has read.
            urlsplit(url)
            return value
        return urljoin(url, value)
    except ValueError:
        return None


def _merge(photos: list[_Photo], title_key: str) -> tuple[Caption, ...]:
    """One Caption per distinct caption text, with the count of every repetition on the page."""
    captions: list[Caption] = []
    seen: dict[str, int] = {}
    for photo in photos:
        texts = [text for text in photo.visible if _is_caption_text(text, caption_key(text), title_key)]
        if texts:
            text, credit = split_credit(texts[0])
            key = caption_key(texts[0])
            occurrences = sum(1 for repeat in photo.visible + photo.attributes if caption_key(repeat) == key)
        else:
            # A photo whose only visible line is its label ("Ảnh minh họa: Internet") is captioned so.
            labelled = next((found for text in photo.visible if (found := _label_caption(text))), None)
            if labelled is None:
                continue
            text, credit, shown = labelled
            key = _key(text)
            occurrences = sum(1 for repeat in photo.visible + photo.attributes if normalise_text(repeat) == shown)
        if key in seen:
            index = seen[key]
            previous = captions[index]
            captions[index] = Caption(
                previous.text, previous.image_url, previous.occurrences + occurrences, previous.position, previous.credit
            )
            continue
        seen[key] = len(captions)
        captions.append(Caption(text, photo.image_url, occurrences, len(captions), credit))
    return tuple(captions)


def _label_caption(text: str) -> tuple[str, str | None, str] | None:
    """(label, credit, line) of a visible line that is only an illustration label and its source."""
    line = normalise_text(text)
    match = _LABEL_ONLY.match(line)
    if match is None:
        return None
    return normalise_text(match.group(1)), (line.strip(" .()[]") if match.group(2) else None), line


def _is_caption_text(text: str, key: str, title_key: str) -> bool:
    """False for placeholders, bare credits and the headline reused as alt text; key is caption_key(text)."""
    return bool(key) and key not in _PLACEHOLDERS and key != title_key.rstrip(" .") and not _CREDIT_ONLY.match(text)
