"""What kind of page an article page is: an article, a video, a photo story or a live report.

A video page's text is the video's description, a photo story's is a few lines under many photos;
both are complete when that text is all they have, and no extraction failure.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

PAGE_TYPES = ("article", "video", "photo", "live")

# Whole path segments ("/video/", "/anh/") or a media subdomain ("video.", "tv."): a slug that
# merely starts with the word ("/anh-hung-…", "/video-ca-nhac-…") names an ordinary article.
_LIVE_PATH = re.compile(r"(?:^|/)(?:truc-tiep|tuong-thuat|live|livestream)(?:/|$)", re.IGNORECASE)
_VIDEO_PATH = re.compile(r"(?:^|/)(?:videos?|clips?|truyen-hinh|tivi|media/video|phong-su-video)(?:/|$)", re.IGNORECASE)
_PHOTO_PATH = re.compile(r"(?:^|/)(?:anh|photos?|gallery|album|phong-su-anh|chum-anh|multimedia/anh|emagazine)(?:/|$)", re.IGNORECASE)
_VIDEO_HOST = re.compile(r"^(?:video|tv|media)\.", re.IGNORECASE)
_PHOTO_HOST = re.compile(r"^(?:photo|anh)\.", re.IGNORECASE)
# A label set off by a bracket or a colon: "[Video] …", "Trực tiếp: …", "ẢNH: …". Without it the
# words start ordinary headlines: "Trực tiếp kiểm tra …", "Ảnh hưởng của bão …".
_LABEL_END = r"\s*(?:[:\]|»]|\s[-–—|]\s)"
_LIVE_TITLE = re.compile(rf"^\W*(?:trực tiếp|tường thuật trực tiếp|live){_LABEL_END}", re.IGNORECASE)
_VIDEO_TITLE = re.compile(rf"^\W*(?:video|clip|phóng sự){_LABEL_END}", re.IGNORECASE)
_PHOTO_TITLE = re.compile(rf"^\W*(?:ảnh|photo|chùm ảnh|phóng sự ảnh|photo story|infographic|emagazine){_LABEL_END}", re.IGNORECASE)
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
    parts = urlsplit(url)
    path, host = parts.path, parts.hostname or ""
    if "LiveBlogPosting" in declared_types or _LIVE_TITLE.match(title) or _LIVE_PATH.search(path):
        return "live"
    if declared_types & {"VideoObject", "video.other", "video.movie", "video.episode", "video"}:
        return "video"
    if _VIDEO_TITLE.match(title) or _VIDEO_PATH.search(path) or _VIDEO_HOST.match(host):
        return "video"
    if tree_has_player and body_characters < _SHORT_TEXT:
        return "video"
    if _PHOTO_TITLE.match(title) or _PHOTO_PATH.search(path) or _PHOTO_HOST.match(host) or "ImageGallery" in declared_types:
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
