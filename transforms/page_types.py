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
PLAYER = "video, iframe[src*=youtube], iframe[src*=video], iframe[src*=player], [class*=jwplayer], [class*=video-player]"
_SHORT_TEXT = 120  # words: a page with a player and less text than this is there for the video
_GALLERY_PHOTOS = 5


def page_type(
    tree_has_player: bool,
    url: str,
    title: str,
    declared_types: frozenset[str],
    body_words: int,
    photos: int,
) -> str:
    """article, video, photo or live, from what the page declares, its address, its headline and its content."""
    path = urlsplit(url).path
    if "LiveBlogPosting" in declared_types or _LIVE_TITLE.match(title) or _LIVE_PATH.search(path):
        return "live"
    if declared_types & {"VideoObject", "video.other", "video.movie", "video.episode", "video"}:
        return "video"
    if _VIDEO_TITLE.match(title) or _VIDEO_PATH.search(path) or (tree_has_player and body_words < _SHORT_TEXT):
        return "video"
    if _PHOTO_TITLE.match(title) or _PHOTO_PATH.search(path) or "ImageGallery" in declared_types:
        return "photo"
    if photos >= _GALLERY_PHOTOS and body_words < 30 * photos // _GALLERY_PHOTOS:
        return "photo"
    return "article"


def has_player(tree: LexborHTMLParser) -> bool:
    return tree.body is not None and tree.body.css_first(PLAYER) is not None
