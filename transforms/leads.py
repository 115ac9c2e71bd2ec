"""The lead (sapo): the paragraph between headline and body that pages mark by class, often outside the body.

A sapo sits beside the body container as often as inside it (`p.description`, `.detail-desc`,
`h2.intro`, `.singular-sapo`). Not every block so marked is the lead: related-article cards have
their own sapos, and some CMSs fill the sapo with the body's first characters cut mid-word.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.text import comparison_key, normalise_text

LEAD_CLASS = (
    "[class*=sapo], [class*=lead], [class*=summary], [class*=chapeau], [class*=chappeau], [class*=standfirst], "
    "[class*=tomtat], [class*=tom-tat], [class*=desc], [class*=intro], [class*=excerpt], [class*=abstract], [class*=brief]"
)
_LEAD_WORD = re.compile(
    r"(?:^|[\s_-])(?:sapo|lead|summary|chapeau|chappeau|standfirst|tomtat|tom-tat|description|desc|intro|excerpt|abstract|brief)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# Photo and video descriptions, author bios and widgets share the words; they are not leads.
_MEDIA_WORD = re.compile(
    r"caption|image|img|photo|picture|thumb|chu-?thich|video|media|player|meta|author|bio|profile|about|user|"
    r"comment|footer|widget|seo|tag|menu|cat(?:e|egory)|product|shop",
    re.IGNORECASE,
)
_LEAD_TAGS = frozenset(("p", "div", "h2", "h3", "h4", "span", "strong", "section", "header", "em", "b"))
_CONTAINER_TAGS = frozenset(("a", "li", "figure", "figcaption", "nav", "aside", "footer"))
_TITLE_LINK = 20  # characters: a link this long is another article's headline


def marked_leads(tree: LexborHTMLParser, title: str) -> list[str]:
    """Texts of the blocks whose class names them the sapo, in page order, between the headline and the
    body's second paragraph; teasers of other articles left out."""
    if tree.body is None:
        return []
    nodes = tree.body.css(f"h1, p, {LEAD_CLASS}")
    title_key = comparison_key(title)
    start = next((index for index, node in enumerate(nodes) if node.tag == "h1" and comparison_key(node.text()) == title_key), -1)
    leads = []
    paragraphs = 0
    for node in nodes[start + 1 :]:
        if _is_lead_block(node):
            text = normalise_text(node.text())
            if 40 <= len(text) <= 1200 and not _in_card(node, text, title_key) and node.css_first("img") is None:
                leads.append(text)
                continue
        if node.tag == "p" and len(node.text() or "") >= _BODY_PARAGRAPH:
            # Past the body's first paragraphs a marked block is a teaser or a bio, not the lead.
            paragraphs += 1
            if paragraphs >= 2:
                break
    return leads


_BODY_PARAGRAPH = 80  # characters


def _is_lead_block(node: LexborNode) -> bool:
    if node.tag not in _LEAD_TAGS:
        return False
    names = node.attributes.get("class") or ""
    return _LEAD_WORD.search(names) is not None and not _MEDIA_WORD.search(names)


def choose_lead(marked: list[str], description: str | None) -> str:
    """The marked block that the page's description repeats, else the first one."""
    if not marked:
        return ""
    if description:
        wanted = comparison_key(description).rstrip(" .…")
        for text in marked:
            key = comparison_key(text)
            if key.startswith(wanted) or wanted.startswith(key.rstrip(" .…")):
                return text
    return marked[0]


def _in_card(node: LexborNode, text: str, title_key: str) -> bool:
    """Whether the block belongs to a teaser of another article: inside a link or a list item, or next to a
    headline link or thumbnail link in a small box that does not hold the article's headline."""
    parent = node.parent
    for level in range(4):
        if parent is None or parent.tag in ("body", "html"):
            return False
        if parent.tag in _CONTAINER_TAGS:
            return True
        if level < 3:
            if any(comparison_key(heading.text()) == title_key for heading in parent.css("h1")):
                return False
            # A small box with another article's headline link or thumbnail link is a teaser card.
            if len(normalise_text(parent.text())) <= len(text) + 400:
                links = parent.css("a")
                if any(len(normalise_text(link.text())) >= _TITLE_LINK or link.css_first("img") for link in links):
                    return True
        parent = parent.parent
    return False


def is_truncated_copy(lead: str, body: list[str]) -> bool:
    """A sapo the CMS made by cutting the body's first characters ("…đã xuất hiện t"): a strict prefix of it."""
    if len(lead) < 20 or not body or lead[:12].lower() != body[0][:12].lower():
        return False
    key = comparison_key(lead).rstrip(" .…")
    # Keys of the opening paragraphs, cut a little past the lead's length: a prefix needs no more.
    cut = len(key) + 2
    openings = [comparison_key(" ".join(body[:count])[:cut]).rstrip(" .…") for count in (1, 2, 3)]
    whole = [comparison_key(" ".join(body[:count])).rstrip(" .…") for count in (1, 2, 3) if len(" ".join(body[:count])) <= cut]
    return openings[-1].startswith(key) and key not in whole


def drop_repeated_lead(body: list[str], lead: str) -> list[str]:
    """The body without a first paragraph that repeats the lead, whole or with its agency marker changed."""
    # The repeat starts like the lead, or a few characters later behind an agency marker.
    if not lead or not body or lead[:15].lower() not in body[0][:45].lower():
        return body
    lead_key = comparison_key(lead).rstrip(" .…")
    first = comparison_key(body[0]).rstrip(" .…")
    shorter, longer = sorted((lead_key, first), key=len)
    if len(shorter) >= 40 and longer.endswith(shorter) and len(longer) - len(shorter) <= 30:
        return body[1:]
    if len(shorter) >= 40 and longer.startswith(shorter) and len(shorter) >= 0.8 * len(longer):
        return body[1:]
    return body


_SENTENCE_END = (".", "!", "?", "…", "\"", "”", ")")
_BOLD = frozenset(("strong", "b"))
_OPENING_PARAGRAPHS = 8


def opens_in_bold(root: LexborNode, first: str) -> bool:
    """Whether the text's first paragraph is a sentence printed bold throughout: the sapo as
    Vietnamese papers print it when no class marks it."""
    if not 60 <= len(first) <= 800 or not first.endswith(_SENTENCE_END):
        return False
    for node in root.css("p")[:_OPENING_PARAGRAPHS]:
        if normalise_text(node.text()) == first:
            bold = "".join(child.text() or "" for child in node.traverse() if child.tag in _BOLD and not _inside_bold(child, node))
            return normalise_text(bold) == first
    return False


def _inside_bold(child: LexborNode, paragraph: LexborNode) -> bool:
    parent = child.parent
    while parent is not None and parent.mem_id != paragraph.mem_id:
        if parent.tag in _BOLD:
            return True
        parent = parent.parent
    return False
