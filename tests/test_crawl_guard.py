"""Where the crawl may go (site guard) and how long Retry-After makes it wait."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scrapers.middlewares import address_refusal, host_refusal, retry_after_seconds

REAL = "https://www.quangninh.gov.vn"
MIRROR = "http://127.0.0.1:8765/mirror-baoquangninh"


def test_real_site_may_fetch_its_own_host_with_or_without_www() -> None:
    assert host_refusal("https://quangninh.gov.vn/Trang/a.aspx", REAL, mirror=False) is None
    assert host_refusal("http://www.quangninh.gov.vn/", REAL, mirror=False) is None


def test_real_site_may_not_fetch_another_host() -> None:
    assert host_refusal("https://quangninh.gov.vn.evil.example/a", REAL, mirror=False) == (
        "refused: quangninh.gov.vn.evil.example is another host than www.quangninh.gov.vn"
    )


def test_other_schemes_are_refused() -> None:
    assert host_refusal("file:///etc/passwd", REAL, mirror=False) == "refused: scheme file is not http(s)"


def test_mirror_site_may_fetch_the_mirror_port_only() -> None:
    assert host_refusal("http://127.0.0.1:8765/mirror-tuoitrethudo/x", MIRROR, mirror=True) is None
    assert host_refusal("http://127.0.0.1:22/", MIRROR, mirror=True) is not None
    assert host_refusal("http://localhost:8765/", MIRROR, mirror=True) is not None


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "192.168.1.10", "172.16.0.5", "169.254.169.254", "::1", "fe80::1", "::ffff:10.0.0.1", "0.0.0.0"]
)
def test_private_loopback_and_link_local_addresses_are_refused(address: str) -> None:
    assert address_refusal(address) == f"refused: {address} is not a public address"


def test_public_address_is_allowed() -> None:
    assert address_refusal("203.162.4.190") is None


def test_retry_after_in_seconds() -> None:
    assert retry_after_seconds(b"120") == 120.0


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 11, 23, 16, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("Mon, 23 Nov 2026 16:00:30 GMT", now=now) == 30.0


def test_unreadable_or_missing_retry_after_is_none() -> None:
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(None) is None


def rebinding_answer(address: str):
    """CachingThreadedResolver.getHostByName as a rebinding name server would answer it at connect time."""
    from twisted.internet import defer

    def answer(self, name, timeout=()):
        return defer.succeed(address)

    return answer


@pytest.mark.parametrize("address", ["10.0.0.1", "127.0.0.1", "169.254.169.254", "192.168.1.1"])
def test_the_address_connected_to_is_checked_when_it_is_resolved(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet.error import DNSLookupError
    from twisted.internet.testing import MemoryReactor

    from scrapers.middlewares import PublicAddressResolver

    # The guard saw a public address; the lookup made to connect now answers a private one.
    monkeypatch.setattr(CachingThreadedResolver, "getHostByName", rebinding_answer(address))
    outcome = []
    PublicAddressResolver(MemoryReactor(), 0, 5.0).getHostByName("news.example").addBoth(outcome.append)
    assert outcome[0].check(DNSLookupError)
    assert f"refused: news.example resolves to {address}" in str(outcome[0].value)


def test_a_public_address_is_connected_to(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet.testing import MemoryReactor

    from scrapers.middlewares import PublicAddressResolver

    monkeypatch.setattr(CachingThreadedResolver, "getHostByName", rebinding_answer("203.162.4.190"))
    outcome = []
    PublicAddressResolver(MemoryReactor(), 0, 5.0).getHostByName("news.example").addBoth(outcome.append)
    assert outcome == ["203.162.4.190"]


def test_real_sites_crawl_through_the_checking_resolver_and_the_mirror_does_not() -> None:
    from pathlib import Path

    from scrapers.scrapy_settings import crawl_settings
    from scrapers.site import load_sites

    sites = load_sites()
    assert crawl_settings(sites["baoquangninh"], Path("x.log"))["TWISTED_DNS_RESOLVER"] == (
        "scrapers.middlewares.PublicAddressResolver"
    )
    assert "TWISTED_DNS_RESOLVER" not in crawl_settings(sites["mirror-baoquangninh"], Path("x.log"))
