"""Synthetic provincial news pages for the benchmarks: deterministic, lazy, ≈100 KB each.

Pages use the markup of the mirror's Báo Quảng Ninh site (scrapers/sites/mirror-baoquangninh.yaml),
so the selector path of the parser is what gets measured. Around the article they carry what
real provincial pages carry: inline styles and scripts, a large menu, related and most-read
boxes, share bars and a long footer. Article text is 3–6 KB of Vietnamese sentences taken from
the mirror's articles mixed with generated sentences full of amounts, percentages, legal
documents and officials. Captions are repeated in alt, title, figcaption and a <p><em>.
Some pages are planted copies of an earlier page: exact (same text, new URL) or near (new lead
and one paragraph rewritten) at EXACT_COPY_RATE and NEAR_COPY_RATE.

Every page is built from its own seed, so page n is the same whether it is generated alone or
after a million others, and nothing is kept between pages.
"""

from __future__ import annotations

import html
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property

from transforms.records import Caption

SITE = "mirror-baoquangninh"
BASE_URL = "http://127.0.0.1:8765/mirror-baoquangninh"
SEED = 20260101
PAGE_BYTES = 100_000
TEXT_CHARACTERS = (3000, 6000)
# Two unrelated stories of twelve paragraphs share one paragraph less than 1% of the time.
PARAGRAPH_POOL = 20_000
LINK_POOL = 5_000
EXACT_COPY_RATE = 0.02
NEAR_COPY_RATE = 0.03
# A copy repeats one of the this many pages before it, as a republication does within days.
COPY_WINDOW = 500
FIRST_ARTICLE_ID = 3_000_000
VIETNAM = timezone(timedelta(hours=7))
FIRST_PUBLISHED = datetime(2025, 1, 1, 6, 0, tzinfo=VIETNAM)
# Publication times of consecutive original stories (copies follow their original by 3 hours).
MINUTES_APART = 37
SECTIONS = {"chinh-tri": "Chính trị", "kinh-te": "Kinh tế", "xa-hoi": "Xã hội", "van-hoa": "Văn hóa"}

PLACES = (
    "thành phố Hạ Long", "thành phố Cẩm Phả", "thành phố Uông Bí", "thành phố Móng Cái",
    "thị xã Đông Triều", "thị xã Quảng Yên", "huyện Vân Đồn", "huyện Tiên Yên", "huyện Ba Chẽ",
    "huyện Bình Liêu", "huyện Đầm Hà", "huyện Hải Hà", "huyện Cô Tô", "xã Đạp Thanh",
    "phường Hồng Gai", "phường Bãi Cháy", "xã Quảng Đức", "xã Hoành Mô",
)
ORGANISATIONS = (
    "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng", "Sở Văn hóa, Thể thao và Du lịch", "Cục Thống kê tỉnh", "Ban Quản lý Khu kinh tế",
    "Ngân hàng Chính sách xã hội chi nhánh tỉnh", "Bảo hiểm xã hội tỉnh", "Công an tỉnh",
    "Hội Nông dân tỉnh", "Liên đoàn Lao động tỉnh", "Ban Quản lý dự án đầu tư xây dựng tỉnh",
)
ROLES = (
    "Chủ tịch UBND", "Phó Chủ tịch UBND", "Bí thư Huyện ủy", "Giám đốc", "Phó Giám đốc",
    "Trưởng phòng Kinh tế", "Trưởng ban", "Chủ tịch Hội đồng nhân dân",
)
FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý")
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Hồng", "Quốc", "Ngọc", "Xuân", "Thu")
GIVEN_NAMES = (
    "Thịnh", "Hùng", "Lan", "Hương", "Tuấn", "Dũng", "Hải", "Yến", "Long", "Phương", "Chung",
    "Hạnh", "Sơn", "Trang", "Quân", "Nga", "Bình", "Khánh",
)
SUBJECTS = (
    "hộ nghèo", "hộ cận nghèo", "doanh nghiệp", "hợp tác xã", "lao động", "học sinh", "căn nhà",
    "km đường giao thông", "ha rừng trồng mới", "lượt khách du lịch", "dự án", "hồ sơ trực tuyến",
)
TOPICS = (
    "hỗ trợ nhà ở cho hộ nghèo", "nâng cấp tuyến đường ven biển", "phát triển du lịch cộng đồng",
    "chuyển đổi số trong cơ quan nhà nước", "trồng rừng gỗ lớn", "xây dựng nông thôn mới kiểu mẫu",
    "đào tạo nghề cho lao động nông thôn", "cải cách thủ tục hành chính", "bảo vệ môi trường vịnh Hạ Long",
    "phát triển sản phẩm OCOP", "giải phóng mặt bằng dự án cao tốc", "chăm sóc sức khỏe người cao tuổi",
)
VERBS = (
    "đẩy nhanh", "triển khai", "hoàn thành", "tập trung", "ưu tiên nguồn lực cho", "kiểm tra tiến độ",
    "tháo gỡ vướng mắc trong", "tổng kết", "khởi công", "nhân rộng mô hình",
)
DOCUMENT_TYPES = (
    ("Quyết định", "QĐ-UBND"), ("Kế hoạch", "KH-UBND"), ("Nghị quyết", "NQ-HĐND"),
    ("Chỉ thị", "CT-UBND"), ("Công văn", "UBND-KT"), ("Thông báo", "TB-UBND"),
)
TEMPLATES = (
    "Năm {year}, {place} đã giải ngân {money} cho {count} {subject}, tăng {percent} so với cùng kỳ.",
    "Theo {document} của {organisation}, {place} phải hoàn thành việc {topic} trước ngày {day}/{month}/{year}.",
    "{role} {place} {person} cho biết: “Địa phương đã bố trí {money} để {topic}, phấn đấu đạt {percent} kế hoạch năm”.",
    "Đến nay, toàn tỉnh có {count} {subject}, trong đó {count_small} {subject} đạt chuẩn, chiếm {percent}.",
    "Tổng mức đầu tư của dự án là {money}, trong đó ngân sách tỉnh bố trí {money_small}, phần còn lại huy động xã hội hóa.",
    "Theo {organisation}, trong {months} tháng đầu năm {year}, {count} {subject} đã được hỗ trợ, bình quân {money_small}/hộ.",
    "Ông {person}, {role} {place}, yêu cầu các phòng, ban {verb} {topic}, báo cáo kết quả trước ngày {day}/{month}.",
    "Bà {person}, {role} {place}, nhấn mạnh {ratio} chỉ tiêu đã hoàn thành, riêng chỉ tiêu về {topic} đạt {percent}.",
    "Thực hiện {document}, {organisation} đã kiểm tra {count} {subject}, phát hiện và xử lý {count_small} trường hợp vi phạm.",
    "Tỷ lệ {subject} được {topic} năm {year} đạt {percent}, cao hơn {percent_small} so với bình quân chung của tỉnh.",
)
CAPTIONS = (
    "Người dân {place} tham gia {topic}.",
    "Lãnh đạo {organisation} kiểm tra tiến độ {topic} tại {place}.",
    "Cán bộ {organisation} hướng dẫn người dân {place} thực hiện {topic}.",
    "Một góc {place} sau khi hoàn thành {topic}.",
    "{role} {place} {person} trao đổi với người dân về {topic}.",
)
MENU = (
    "Thời sự", "Chính trị", "Kinh tế", "Xã hội", "Văn hóa", "Thể thao", "Pháp luật", "Quốc tế",
    "Du lịch", "Giáo dục", "Y tế", "Môi trường", "Quốc phòng - An ninh", "Bạn đọc", "Multimedia",
)
SUBMENU = (
    "Tin trong tỉnh", "Trong nước", "Hoạt động lãnh đạo", "Xây dựng Đảng", "Doanh nghiệp", "Đầu tư",
    "Nông nghiệp", "Giao thông", "Đô thị", "Lao động - Việc làm", "Chuyện hôm nay", "Góc nhìn",
)


@dataclass(frozen=True, slots=True)
class Story:
    """The article a synthetic page carries: exactly what a correct parser should return."""

    number: int
    url: str
    title: str
    lead: str
    body: tuple[str, ...]  # paragraphs and sub-headings in order, as the parser returns them
    headings: frozenset[int]  # positions in body that are sub-headings
    captions: tuple[Caption, ...]
    published_at: datetime
    authors: tuple[str, ...]
    section: str
    copy_of: int | None  # number of the page whose story this one repeats
    copy_kind: str | None  # "exact" | "near"

    @property
    def text_characters(self) -> int:
        """Characters of lead and body: the text the parser must return."""
        return len(self.lead) + sum(map(len, self.body))


@dataclass(frozen=True, slots=True)
class SyntheticPage:
    story: Story
    html: str

    @property
    def url(self) -> str:
        return self.story.url


class PageGenerator:
    """Stories and pages for one seed.

    page_bytes is the size every rendered page is padded to (0: no padding); text_characters
    bounds the article text; chrome=False leaves out the styles, scripts, menus and boxes;
    minutes_apart spaces the stories' publication times.
    """

    def __init__(
        self,
        seed: int = SEED,
        page_bytes: int = PAGE_BYTES,
        text_characters: tuple[int, int] = TEXT_CHARACTERS,
        chrome: bool = True,
        minutes_apart: int = MINUTES_APART,
    ) -> None:
        self.seed = seed
        self.page_bytes = page_bytes
        self.text_characters = text_characters
        self.chrome = chrome
        self.minutes_apart = minutes_apart

    def stories(self, count: int, start: int = 0) -> Iterator[Story]:
        """Stories start … start+count-1, one at a time."""
        for number in range(start, start + count):
            yield self.story(number)

    def pages(self, count: int, start: int = 0) -> Iterator[SyntheticPage]:
        """Pages start … start+count-1, rendered one at a time."""
        for number in range(start, start + count):
            yield self.page(number)

    def page(self, number: int) -> SyntheticPage:
        """Page `number`, the same whatever was generated before it."""
        story = self.story(number)
        return SyntheticPage(story=story, html=self.render(story))

    def copy_of(self, number: int) -> tuple[int, str] | None:
        """(page whose story this page repeats, "exact" | "near"), or None for an original."""
        if number == 0:
            return None
        chance = random.Random(f"{self.seed}:{number}:copy")
        draw = chance.random()
        if draw >= EXACT_COPY_RATE + NEAR_COPY_RATE:
            return None
        kind = "exact" if draw < EXACT_COPY_RATE else "near"
        source = number - 1 - chance.randrange(min(number, COPY_WINDOW))
        # A copy of a copy repeats the original story.
        while (earlier := self.copy_of(source)) is not None:
            source = earlier[0]
        return source, kind

    def story(self, number: int) -> Story:
        """The article page `number` carries; a planted copy repeats (or edits) an earlier page's story."""
        copied = self.copy_of(number)
        if copied is None:
            return self._original(number)
        source, kind = copied
        original = self._original(source)
        lead, body = original.lead, original.body
        if kind == "near":
            # A republisher rewrites the lead and one paragraph, keeping the rest word for word.
            rng = random.Random(f"{self.seed}:{number}:edit")
            lead = _lead(rng)
            paragraphs = [index for index in range(len(body)) if index not in original.headings]
            changed = rng.choice(paragraphs)
            body = body[:changed] + (rng.choice(self._paragraphs),) + body[changed + 1 :]
        return Story(
            number=number,
            url=_url(original.title, number),
            title=original.title,
            lead=lead,
            body=body,
            headings=original.headings,
            captions=original.captions,
            published_at=original.published_at + timedelta(hours=3),
            authors=original.authors,
            section=original.section,
            copy_of=source,
            copy_kind=kind,
        )

    def _original(self, number: int) -> Story:
        rng = random.Random(f"{self.seed}:{number}:story")
        title = _title(rng)
        target = rng.randint(*self.text_characters)
        body: list[str] = []
        headings: set[int] = set()
        characters = 0
        while characters < target:
            if len(body) % 5 == 4:
                headings.add(len(body))
                block = _heading(rng)
            else:
                block = rng.choice(self._paragraphs)
            body.append(block)
            characters += len(block)
        photo_count = rng.randint(2, 4)
        captions = tuple(
            Caption(
                text=_fill(rng.choice(CAPTIONS), rng),
                image_url=f"{BASE_URL}/images/{FIRST_ARTICLE_ID + number}-{position + 1}.jpg",
                # alt, title and figcaption; every other photo also has the <p><em> copy.
                occurrences=4 if position % 2 == 0 else 3,
                position=position,
                credit=f"Ảnh: {_person(rng)}",
            )
            for position in range(photo_count)
        )
        return Story(
            number=number,
            url=_url(title, number),
            title=title,
            lead=_lead(rng),
            body=tuple(body),
            headings=frozenset(headings),
            captions=captions,
            published_at=FIRST_PUBLISHED + timedelta(minutes=self.minutes_apart * number),
            authors=(_person(rng),),
            section=rng.choice(tuple(SECTIONS)),
            copy_of=None,
            copy_kind=None,
        )

    def render(self, story: Story) -> str:
        """The page as the CMS would serve it, padded with an inline script to page_bytes."""
        rng = random.Random(f"{self.seed}:{story.number}:chrome")
        section_name = SECTIONS[story.section]
        published = story.published_at.astimezone(VIETNAM)
        escaped_url = _escape(story.url)
        head = (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_escape(story.title)} | Báo Quảng Ninh</title>\n"
            f'<link rel="canonical" href="{escaped_url}">\n'
            f'<meta property="og:title" content="{_escape(story.title)}">\n'
            '<meta property="og:site_name" content="Báo Quảng Ninh">\n'
            f'<meta name="description" content="{_escape(story.lead)}">\n'
            f'<meta property="og:url" content="{escaped_url}">\n'
            f'<meta property="article:published_time" content="{published.isoformat()}">\n'
            f'<meta property="article:section" content="{section_name}">\n'
            f"{self._style if self.chrome else ''}</head>\n"
        )
        share = (
            '<div class="share-bar"><span class="share-label">Chia sẻ</span> '
            f'<a class="share-facebook" rel="nofollow" href="https://www.facebook.com/sharer/sharer.php?u={escaped_url}">Facebook</a> '
            f'<a class="share-zalo" rel="nofollow" href="https://sp.zalo.me/share_inline?url={escaped_url}">Zalo</a> '
            '<a class="share-copy" href="#">Sao chép liên kết</a></div>\n'
        )
        article = (
            '<article class="detail">\n'
            f'<h1 class="title-detail">{_escape(story.title)}</h1>\n'
            f'<div class="meta-detail"><span class="date-detail">{published:%d/%m/%Y %H:%M} (GMT+7)</span></div>\n'
            + share
            + f'<div class="sapo">{_escape(story.lead)}</div>\n'
            f'<div class="article-content">\n{self._body(story, rng)}</div>\n'
            f'<div class="tags"><span class="tags-title">Từ khóa:</span>{self._links(rng, 4)}</div>\n'
            + share
            + "</article>\n"
        )
        boxes = (
            f'<div class="related-news box-bottom"><h3 class="box-title">Xem thêm</h3><ul>{self._links(rng, 8)}</ul></div>\n'
            + '</div>\n<aside class="col-side">\n'
            + f'<div class="box-most-read"><h3 class="box-title">Đọc nhiều</h3><ol>{self._links(rng, 10)}</ol></div>\n'
            + f'<div class="box-photo"><h3 class="box-title">Ảnh</h3><ul>{self._links(rng, 6)}</ul></div>\n'
            + f'<div class="box-video"><h3 class="box-title">Video</h3><ul>{self._links(rng, 6)}</ul></div>\n'
            + "</aside>"
        ) if self.chrome else "</div>"
        page = (
            head
            + '<body class="detail-page">\n'
            + (self._header if self.chrome else "")
            + '<main class="container"><div class="col-main">\n'
            f'<div class="breadcrumb"><a href="/mirror-baoquangninh/">Trang chủ</a> › '
            f'<a href="/mirror-baoquangninh/{story.section}">{section_name}</a></div>\n'
            + article
            + boxes
            + "</main>\n"
            + (self._footer if self.chrome else "")
        )
        closing = "</body>\n</html>\n"
        missing = self.page_bytes - len(page.encode("utf-8")) - len(closing)
        return page + _ad_script(rng, missing) + closing

    def _body(self, story: Story, rng: random.Random) -> str:
        parts: list[str] = []
        if story.number % 2 == 0:
            # A cover photo whose alt is the headline: not a caption, as on the real site.
            parts.append(
                '<p style="text-align: center;"><img src="/images/cover.jpg" '
                f'alt="{_escape(story.title)}"></p>\n'
            )
        photos_after: dict[int, list[Caption]] = {}
        for caption in story.captions:
            after = max(0, (len(story.body) * (caption.position + 1)) // (len(story.captions) + 1) - 1)
            photos_after.setdefault(after, []).append(caption)
        for index, block in enumerate(story.body):
            if index == 2 and self.chrome:
                parts.append(
                    '<div class="related-news box-inline"><h3>Tin liên quan</h3>'
                    f"<ul>{self._links(rng, 2)}</ul></div>\n"
                )
            if index in story.headings:
                parts.append(f"<h2><strong>{_escape(block)}</strong></h2>\n")
            else:
                parts.append(f'<p style="text-align: justify;">{_escape(block)}</p>\n')
            parts.extend(_figure(caption) for caption in photos_after.get(index, ()))
        for author in story.authors:
            parts.append(f'<p class="author" style="text-align: right;"><strong>{_escape(author.upper())}</strong></p>\n')
        return "".join(parts)

    def _links(self, rng: random.Random, count: int) -> str:
        return "".join(rng.choices(self._link_pool, k=count))

    @cached_property
    def _link_pool(self) -> tuple[str, ...]:
        rng = random.Random(f"{self.seed}:links")
        return tuple(_link(rng) for _ in range(LINK_POOL))

    @cached_property
    def _paragraphs(self) -> tuple[str, ...]:
        """The paragraphs stories are drawn from; drawing is cheap, writing each one is not."""
        rng = random.Random(f"{self.seed}:paragraphs")
        sentences = _sentence_pool()
        return tuple(_paragraph(rng, sentences) for _ in range(PARAGRAPH_POOL))

    @cached_property
    def _style(self) -> str:
        rng = random.Random(f"{self.seed}:style")
        rules = []
        for index in range(260):
            name = f"{rng.choice(('box', 'col', 'nav', 'story', 'btn', 'grid', 'ad'))}-{index}"
            rules.append(
                f".{name}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;padding:{rng.randint(0, 16)}px;"
                f"font-size:{rng.randint(11, 22)}px;color:#{rng.randrange(0x1000000):06x};"
                f"background:#{rng.randrange(0x1000000):06x};border-radius:{rng.randint(0, 8)}px}}"
            )
        return "<style>\n" + "\n".join(rules) + "\n</style>\n" + _analytics_script()

    @cached_property
    def _header(self) -> str:
        items = "".join(
            f'<li><a href="/mirror-baoquangninh/{_slug(name)}">{name}</a><ul class="sub-menu">'
            + "".join(f'<li><a href="/mirror-baoquangninh/{_slug(name)}/{_slug(sub)}">{sub}</a></li>' for sub in SUBMENU)
            + "</ul></li>"
            for name in MENU
        )
        return (
            '<header class="header">\n<div class="top-bar"><span class="hotline">Đường dây nóng: 0203.3835.017</span>'
            ' <a href="#">Báo in</a> <a href="#">Đăng nhập</a></div>\n'
            '<a class="logo" href="/mirror-baoquangninh/"><img src="/images/logo.png" alt="Báo Quảng Ninh"></a>\n'
            f'<nav class="main-menu"><ul><li class="home"><a href="/mirror-baoquangninh/">Trang chủ</a></li>{items}</ul></nav>\n'
            "</header>\n"
        )

    @cached_property
    def _footer(self) -> str:
        sitemap = "".join(
            f'<div class="footer-col"><h4>{name}</h4><ul>'
            + "".join(f'<li><a href="/mirror-baoquangninh/{_slug(name)}/{_slug(sub)}">{sub}</a></li>' for sub in SUBMENU)
            + "</ul></div>"
            for name in MENU
        )
        return (
            f'<footer class="footer">\n<div class="footer-sitemap">{sitemap}</div>\n'
            "<p><strong>BÁO QUẢNG NINH ĐIỆN TỬ</strong></p>\n"
            "<p>Cơ quan chủ quản: Tỉnh ủy Quảng Ninh.</p>\n"
            "<p>Địa chỉ: Số 71 đường Lê Thánh Tông, phường Hồng Gai, tỉnh Quảng Ninh</p>\n"
            "<p>Giấy phép số 107/GP-BTTTT ngày 23/3/2020 của Bộ Thông tin và Truyền thông.</p>\n"
            "</footer>\n"
        )


def _sentence_pool() -> tuple[str, ...]:
    """Sentences of the mirror's articles: real Vietnamese prose the generated sentences mix with."""
    from mirror.content import load_articles

    split = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ỸĐ“\"])")
    sentences = {
        sentence
        for article in load_articles()
        for paragraph in (article.lead, *article.body)
        if not paragraph.startswith("## ")
        for sentence in split.split(unicodedata.normalize("NFC", " ".join(paragraph.split())))
        if 40 <= len(sentence) <= 400
    }
    return tuple(sorted(sentences))


def _paragraph(rng: random.Random, pool: tuple[str, ...]) -> str:
    sentences = [
        _fill(rng.choice(TEMPLATES), rng) if rng.random() < 0.45 else rng.choice(pool)
        for _ in range(rng.randint(2, 4))
    ]
    return " ".join(sentences)


def _lead(rng: random.Random) -> str:
    return "(BQN) - " + _fill(rng.choice(TEMPLATES), rng)


def _title(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    short_place = place.split(" ", 2)[-1] if place.startswith(("thành phố", "thị xã")) else place
    verb = rng.choice(VERBS)
    return f"{short_place[0].upper()}{short_place[1:]} {verb} {rng.choice(TOPICS)} năm {rng.randint(2024, 2026)}"


def _heading(rng: random.Random) -> str:
    heading = f"{rng.choice(VERBS)} {rng.choice(TOPICS)}"
    return heading[0].upper() + heading[1:]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _number(value: float, decimals: int = 0) -> str:
    """Vietnamese spelling: dots between thousands, a comma before decimals."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _money(rng: random.Random, small: bool = False) -> str:
    if small:
        return f"{rng.randint(2, 900)} triệu đồng"
    return f"{_number(rng.uniform(1.5, 9000), 1)} tỷ đồng"


def _document(rng: random.Random) -> str:
    kind, suffix = rng.choice(DOCUMENT_TYPES)
    return f"{kind} số {rng.randint(10, 4999)}/{suffix} ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2023, 2026)}"


def _fill(template: str, rng: random.Random) -> str:
    return template.format_map(_Slots(rng))


class _Slots(dict):
    """Template slots drawn only when the template uses them; a slot used twice keeps its value."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, name: str) -> str:
        rng = self.rng
        if name == "count_small":
            # The part must stay below the whole it is a part of.
            whole = int(self.get("count", "48000").replace(".", ""))
            value = _number(rng.randint(3, max(4, whole // 3)))
        elif name == "count":
            value = _number(rng.randint(120, 48000))
        elif name in ("percent", "percent_small"):
            value = f"{_number(rng.uniform(1, 99.9) if name == 'percent' else rng.uniform(0.5, 9.9), 1)}%"
        elif name in ("money", "money_small"):
            value = _money(rng, small=name == "money_small")
        elif name == "ratio":
            value = f"{rng.randint(5, 20)}/{rng.randint(21, 30)}"
        elif name == "document":
            value = _document(rng)
        elif name == "person":
            value = _person(rng)
        else:
            low, high = _NUMBER_SLOTS.get(name, (0, 0))
            value = str(rng.randint(low, high)) if high else rng.choice(_WORD_SLOTS[name])
        self[name] = value
        return value


_NUMBER_SLOTS = {"year": (2023, 2026), "day": (1, 28), "month": (1, 12), "months": (3, 11)}
_WORD_SLOTS = {
    "place": PLACES,
    "subject": SUBJECTS,
    "organisation": ORGANISATIONS,
    "topic": TOPICS,
    "role": ROLES,
    "verb": VERBS,
}


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


# Latin letters with diacritics to their base letter, for URL slugs.
_ASCII_LETTERS = {
    code: unicodedata.normalize("NFD", chr(code))[0]
    for code in range(0xC0, 0x1EFF)
    if unicodedata.normalize("NFD", chr(code))[0].isascii() and unicodedata.normalize("NFD", chr(code)) != chr(code)
} | {ord("đ"): "d", ord("Đ"): "D"}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.translate(_ASCII_LETTERS).lower()).strip("-")


def _url(title: str, number: int) -> str:
    return f"{BASE_URL}/{_slug(title)[:80].rstrip('-')}-{FIRST_ARTICLE_ID + number}.html"


def _link(rng: random.Random) -> str:
    """A link to another story, titled like one; only the title is drawn, never the text."""
    title = _title(rng)
    return (
        f'<li><a href="/mirror-baoquangninh/{_slug(title)}-{rng.randint(3_000_000, 3_999_999)}.html">'
        f"{_escape(title)}</a></li>"
    )


def _figure(caption: Caption) -> str:
    text = _escape(caption.text)
    figure = (
        f'<figure class="image align-center"><img src="{_escape(caption.image_url or "")}" alt="{text}" title="{text}">'
        f"<figcaption>{text} <em>{_escape(caption.credit or '')}</em></figcaption></figure>\n"
    )
    # The CMS editors paste the caption again under every other photo.
    if caption.position % 2 == 0:
        figure += f'<p style="text-align: center;"><em>{text}</em></p>\n'
    return figure


def _analytics_script() -> str:
    events = ",".join(
        f'{{"event":"view_{index}","selector":".box-{index} a","category":"engagement","value":{index}}}'
        for index in range(120)
    )
    return (
        "<script>\nwindow.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}\n"
        "gtag('js',new Date());gtag('config','G-QNMIRROR01');\n"
        f"var trackedEvents=[{events}];\n"
        "document.addEventListener('click',function(e){trackedEvents.forEach(function(t){"
        "if(e.target.closest(t.selector)){gtag('event',t.event,{category:t.category,value:t.value});}});});\n"
        "</script>\n"
    )


def _ad_script(rng: random.Random, size: int) -> str:
    """An inline ad-slot configuration of exactly `size` bytes (ASCII), as CMS pages embed them."""
    opening, closing = "<script>window.adSlots=[", "];</script>\n"
    budget = size - len(opening) - len(closing)
    if budget < 0:
        return ""
    zone = rng.randint(1000, 99999)
    slots: list[str] = []
    used = 0
    for index in range(budget):
        slot = (
            f'{{"id":"qn-slot-{index}","zone":{zone + index},"sizes":[[300,250],[728,90]],'
            f'"targeting":{{"pos":{index}}},"lazy":true}},'
        )
        if used + len(slot) > budget:
            break
        slots.append(slot)
        used += len(slot)
    return opening + "".join(slots) + " " * (budget - used) + closing
