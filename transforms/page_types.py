"""What kind of page an article page is: an article, a video, a photo story or a live report.

A video page's text is the video's description, a photo story's is a few lines under many photos;
both are complete when that text is all they have, and no extraction failure.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

PAGE_TYPES = ("article", "video", "photo", "live")

_LIVE_PATH = re.compile(r"(?:^|[/-])(?:truc-tiep|tuong-thuat-truc-tiep|live|livestream)(?:[/.-]|$)", re.IGNORECASE)
# A whole path segment ("/video/", "/anh/"), or a slug that starts with an unambiguous word
# ("/video-…", "/photo-…"); "/anh-hung-…" is a hero, not a photo.
_VIDEO_PATH = re.compile(r"(?:^|/)(?:(?:videos?|clips?|truyen-hinh|tivi|media/video)(?:/|$)|(?:video|clip)-)", re.IGNORECASE)
_PHOTO_PATH = re.compile(
    r"(?:^|/)(?:(?:anh|photos?|gallery|album|phong-su-anh|chum-anh|multimedia/anh)(?:/|$)|(?:photo|chum-anh|phong-su-anh)-)",
    re.IGNORECASE,
)
_LIVE_TITLE = re.compile(r"^\W*(?:trực tiếp|tường thuật trực tiếp|live)\b", re.IGNORECASE)
_VIDEO_TITLE = re.compile(r"^\W*(?:video|clip)\b\W", re.IGNORECASE)
_PHOTO_TITLE = re.compile(r"^\W*(?:ảnh|photo|chùm ảnh|phóng sự ảnh|photo story|infographic|emagazine)\b\W", re.IGNORECASE)
_PLAYER_SOURCE = re.compile(r"youtube|youtu\.be|video|player|vimeo|dailymotion|tv", re.IGNORECASE)
_SHORT_TEXT = 600  # characters (about 120 words): a page with a player and less text is there for the video
_GALLERY_PHOTOS = 5


def page_type(
    tree_has_player: bool,
    url: str,
    title: str,
    declared_types: frozenset[str],
    body_characters: int,
    photos: int,
) -> str:
    """article, video, photo or live, from what the page declares, its address, its headline and its content."""
    path = urlsplit(url).path
    if "LiveBlogPosting" in declared_types or _LIVE_TITLE.match(title) or _LIVE_PATH.search(path):
        return "live"
    if declared_types & {"VideoObject", "video.other", "video.movie", "video.episode", "video"}:
        return "video"
    if _VIDEO_TITLE.match(title) or _VIDEO_PATH.search(path) or (tree_has_player and body_characters < _SHORT_TEXT):
        return "video"
    if _PHOTO_TITLE.match(title) or _PHOTO_PATH.search(path) or "ImageGallery" in declared_types:
        return "photo"
    if photos >= _GALLERY_PHOTOS and body_characters < 150 * photos // _GALLERY_PHOTOS:
        return "photo"
    return "article"


def has_player(tree: LexborHTMLParser) -> bool:
    """Whether the page embeds a video: a <video>, or an <iframe> of a video service or player."""
    if tree.body is None:
        return False
    # Tag selectors only: an attribute selector would test every element of the page.
    for node in tree.body.css("video, iframe"):
        if node.tag == "video" or _PLAYER_SOURCE.search(node.attributes.get("src") or node.attributes.get("data-src") or ""):
            return True
    return False


def has_player_box(tree: LexborHTMLParser) -> bool:
    """Whether the page keeps a box for a player that a script fills in (class "video-player", "jwplayer")."""
    return tree.body is not None and tree.body.css_first("[class*=player], [id*=player], [class*=jwplayer]") is not None
