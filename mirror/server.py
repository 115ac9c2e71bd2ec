"""The offline mirror: one loopback HTTP server for every mirror site, pages rendered once at start.

Sites live under path prefixes (http://127.0.0.1:<port>/<site>/...); /robots.txt at the root covers them all.
"""

from __future__ import annotations

import sys
import threading
import unicodedata
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from urllib.parse import parse_qsl, urlencode, urlsplit

from mirror import faults as faulty_site
from mirror import render_feeds
from mirror.chrome import HTML, Page, make_page
from mirror.content import SECTIONS, MirrorArticle, load_articles
from mirror.faults import FaultSettings
from mirror.markup import article_path, load_markup, mirror_sites, site_markup
from provnews import settings

# Planted traps, chosen among the seed articles so they exist whatever else is added.
PRINT_ARTICLE = "mirror-baoquangninh--3213457"
TRACKING_ARTICLE = "mirror-baoquangninh--3392517"
NFD_ARTICLE = "mirror-tuoitrethudo--298314"
PRIVATE_SITE = "mirror-tuoitrethudo"
TRACKING_QUERY = "?utm_source=facebook&utm_medium=social&fbclid=IwAR0mirrorQuangNinh7xK2"
DISALLOWED = ("/mirror-tuoitrethudo/private/",)
TRACKING_PARAMETERS = frozenset({"fbclid", "gclid", "zarsrc", "_gl"})
# A 1×1 transparent GIF answers every photo URL; nothing downstream looks at pixels.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def _article_path_of(markup_name: str):  # type: ignore[no-untyped-def]
    markup = load_markup(markup_name)
    return lambda article: article_path(markup, article)


ARTICLE_PATHS = {
    **{site: _article_path_of(config["markup"]) for site, config in mirror_sites().items()},
    faulty_site.SITE: _article_path_of(mirror_sites()[faulty_site.BORROWED_SITE]["markup"]),
}


def request_key(target: str) -> str:
    """The lookup key of a request target: tracking parameters dropped, the rest sorted."""
    parts = urlsplit(target)
    kept = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.startswith("utm_") and name not in TRACKING_PARAMETERS
    ]
    return parts.path + ("?" + urlencode(sorted(kept)) if kept else "")


def build_pages(origin: str, articles: list[MirrorArticle], with_faults: bool) -> tuple[dict[str, Page], dict[str, str]]:
    """Every static page of the mirror by request key, and the absolute URLs of the planted traps."""
    sites = {site: site_markup(site, origin, articles) for site in mirror_sites()}
    pages: dict[str, Page] = {}
    for site in sites.values():
        pages.update(site.pages(PRINT_ARTICLE, TRACKING_ARTICLE, TRACKING_QUERY))
    pages.update(faulty_site.site_pages(faulty_site.view(origin, articles), with_faults))
    sitemaps = [site.absolute(site.sitemap_path) for site in sites.values()]
    sitemaps.append(origin + "/" + faulty_site.SITE + faulty_site.GZIP_SITEMAP_PATH)
    pages["/robots.txt"] = render_feeds.robots(DISALLOWED, sitemaps)

    by_key = {article.key: article for article in articles}
    private = sites[PRIVATE_SITE]
    planted: dict[str, str] = {"private": private.absolute(private.markup.private_path or "/")}
    if PRINT_ARTICLE in by_key:
        site = sites[by_key[PRINT_ARTICLE].site]
        planted["print"] = origin + site.print_url(by_key[PRINT_ARTICLE])
        planted["print_of"] = origin + site.url(by_key[PRINT_ARTICLE])
    if TRACKING_ARTICLE in by_key:
        clean = origin + sites[by_key[TRACKING_ARTICLE].site].url(by_key[TRACKING_ARTICLE])
        planted["tracking"] = clean + TRACKING_QUERY
        planted["tracking_clean"] = clean
    if NFD_ARTICLE in by_key:
        key = sites[by_key[NFD_ARTICLE].site].url(by_key[NFD_ARTICLE])
        # Decomposed diacritics render identically; only NFC normalisation downstream makes them match.
        decomposed = unicodedata.normalize("NFD", pages[key].body.decode("utf-8"))
        pages[key] = make_page(decomposed, HTML, pages[key].last_modified)
        planted["nfd"] = origin + key
    return pages, planted


def _with_trailing_slash(key: str) -> str:
    path, _, query = key.partition("?")
    return path + "/" + ("?" + query if query else "") if not path.endswith("/") else key


def not_modified(page: Page, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a conditional GET may be answered 304; If-None-Match wins over If-Modified-Since."""
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or page.etag in tags
    if if_modified_since and page.last_modified:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return page.last_modified.replace(microsecond=0) <= since
    return False


def _http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


class MirrorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    # Headers and body go out in two writes; with Nagle on, keep-alive clients wait 40 ms for each page.
    disable_nagle_algorithm = True
    server: MirrorServer

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        key = request_key(self.path)
        try:
            fault = faulty_site.fault_for(key, self.server.faults)
            if fault is not None:
                fault(self, self.server.fault_settings)
                return
            if key.strip("/") in ARTICLE_PATHS and not key.endswith("/"):
                self._send(301, {"Location": key + "/", "Content-Length": "0"}, b"", send_body=False)
                return
            page = self.server.pages.get(key) or self._photo(key)
            slashed = _with_trailing_slash(key)
            if page is None and slashed in self.server.pages:
                # Like the CMSs whose addresses end in "/", the address without it is redirected.
                self._send(301, {"Location": slashed, "Content-Length": "0"}, b"", send_body=False)
                return
            if page is None:
                self._not_found(send_body)
                return
            headers = {"ETag": page.etag}
            if page.last_modified:
                headers["Last-Modified"] = _http_date(page.last_modified)
            if not_modified(page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
                self._send(304, headers, b"", send_body=False)
                return
            headers["Content-Type"] = page.content_type
            headers["Content-Length"] = str(len(page.body))
            self._send(200, headers, page.body, send_body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a crawler's size limit or timeout); nothing left to answer.
            self.close_connection = True

    def _photo(self, key: str) -> Page | None:
        site = key.split("/")[1] if key.count("/") >= 2 else ""
        known = site in SECTIONS or site == faulty_site.SITE
        if known and ("/images/" in key or "/PublishingImages/" in key):
            return make_page(PIXEL, "image/gif")
        return None

    def _not_found(self, send_body: bool) -> None:
        body = (
            '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"><title>404 - Không tìm thấy trang</title>'
            "</head><body><h1>Không tìm thấy trang</h1><p>Trang bạn tìm không tồn tại hoặc đã bị xóa.</p></body></html>\n"
        ).encode("utf-8")
        self._send(404, {"Content-Type": HTML, "Content-Length": str(len(body))}, body, send_body)

    def _send(self, status: int, headers: dict[str, str], body: bytes, send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class MirrorServer(ThreadingHTTPServer):
    """The mirror bound to 127.0.0.1; port 0 picks a free port. start() serves from a background thread.

    planted holds the absolute URLs of the traps: print, print_of, tracking, tracking_clean, nfd, private.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        port: int = 0,
        faults: bool = False,
        slow_seconds: float = 30.0,
        huge_bytes: int = 50_000_000,
        bomb_bytes: int = 1 << 30,
        verbose: bool = False,
        articles: list[MirrorArticle] | None = None,
    ) -> None:
        super().__init__((settings.MIRROR_HOST, port), MirrorHandler)
        self.faults = faults
        self.verbose = verbose
        self.fault_settings = FaultSettings(slow_seconds=slow_seconds, huge_bytes=huge_bytes, bomb_bytes=bomb_bytes)
        self.pages, self.planted = build_pages(
            self.base_url, load_articles() if articles is None else articles, faults
        )
        self._thread: threading.Thread | None = None

    def server_bind(self) -> None:
        # HTTPServer would resolve the host name; with no DNS on these machines that can hang.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{settings.MIRROR_HOST}:{self.port}"

    def site_url(self, site: str) -> str:
        """The base URL of one mirror site, as its site file resolves {mirror}/<site>."""
        return f"{self.base_url}/{site}"

    def article_url(self, article: MirrorArticle) -> str:
        """Where the mirror serves an article of load_articles()."""
        return self.site_url(article.site) + ARTICLE_PATHS[article.site](article)

    def start(self) -> MirrorServer:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
            self._thread = None
        self.server_close()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stop()

    def handle_error(self, request: object, client_address: object) -> None:
        if self.verbose:
            super().handle_error(request, client_address)



def serve_forever(port: int, faults: bool = False, verbose: bool = True) -> None:
    """Serve the mirror in the foreground until interrupted (provnews serve-mirror)."""
    server = MirrorServer(port=port, faults=faults, verbose=verbose)
    sites = [*SECTIONS, faulty_site.SITE]
    print(f"provnews mirror on {server.base_url} ({len(server.pages)} pages)", file=sys.stderr)
    for site in sites:
        print(f"  {server.site_url(site)}/", file=sys.stderr)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
