"""The HTTP download handler of the crawl: Scrapy's, with answers longer than their Content-Length marked.

A server that sends more bytes than its Content-Length announced has sent a page the client
can't trust: Twisted reads exactly Content-Length bytes and drops the rest, so the page would
land cut short as an ordinary 200. The bytes past the announced length that arrive with the
body are counted in a header of the response, EXTRA_BYTES_HEADER, which the spider turns into
a failed page.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
)

EXTRA_BYTES_HEADER = b"X-Provnews-Bytes-Past-Content-Length"


class _LengthCheckingProtocol(_LenientHTTP11ClientProtocol):
    def _finishResponse_WAITING(self, rest: bytes) -> None:  # noqa: N802 - Twisted's dispatch name
        # rest: what came on the connection after the body's announced end. A stray line break
        # is harmless; anything else is the page's own text, cut off.
        parser = self._parser
        if rest.strip() and parser is not None and parser.response is not None:
            parser.response.headers.addRawHeader(EXTRA_BYTES_HEADER, str(len(rest)).encode())
        super()._finishResponse_WAITING(rest)


class _LengthCheckingFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr: object) -> _LengthCheckingProtocol:  # noqa: N802 - Twisted's name
        return _LengthCheckingProtocol(self._quiescentCallback)


class LengthCheckingDownloadHandler(HTTP11DownloadHandler):
    """HTTP11DownloadHandler whose connections mark answers longer than their Content-Length."""

    def __init__(self, *arguments: object, **options: object) -> None:
        super().__init__(*arguments, **options)
        self._pool._factory = _LengthCheckingFactory
