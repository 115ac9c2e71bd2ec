"""The dedup stage on a real DuckDB file: url, exact and near copies, stories, caption reuse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.dedup_samples import ROAD
from transforms.dedup import body_hash
from warehouse.connection import connect
from warehouse.dedup import dedup_articles
from warehouse.schema import migrate

VIEWS = Path(__file__).resolve().parent.parent / "warehouse" / "views"

# A national paper's copy: old tone placement, other quotes, two paragraphs merged.
ROAD_EXACT = (
    ROAD[0],
    ROAD[1] + " " + ROAD[2],
    ROAD[3].replace("văn hoá", "văn hóa"),
    ROAD[4],
)
# The portal's copy: a sentence rewritten, the last paragraph dropped.
ROAD_NEAR = (
    ROAD[0].replace("tổng mức đầu tư khoảng 680 tỷ đồng", "vốn đầu tư gần 680 tỷ đồng"),
    ROAD[1],
    ROAD[2],
    ROAD[3],
)
INSURANCE = (
    "Bảo hiểm xã hội tỉnh cho biết đến hết tháng 9, toàn tỉnh có hơn 1,2 triệu người tham gia bảo "
    "hiểm y tế, đạt tỷ lệ bao phủ 96,5% dân số, cao hơn mức bình quân cả nước.",
    "Ngân sách tỉnh hỗ trợ thêm 30% mức đóng cho người thuộc hộ cận nghèo và 20% cho học sinh, "
    "sinh viên; nhiều doanh nghiệp đã trả nợ bảo hiểm sau khi được cơ quan chức năng đôn đốc.",
    # The same closing sentence as the road story: one shared paragraph is not a copy.
    ROAD[4],
)
WIRE_CAPTION = "Tuyến đường qua trung tâm huyện Ba Chẽ đang được mở rộng"


@pytest.fixture
def connection(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connect(tmp_path / "warehouse.duckdb")
    migrate(connection)
    for view in sorted(VIEWS.glob("v_*.sql")):
        connection.execute(view.read_text(encoding="utf-8"))
    yield connection
    connection.close()


def store(
    connection: duckdb.DuckDBPyConnection,
    article_id: str,
    body: Sequence[str],
    published_at: str | None,
    site: str = "baoquangninh",
    canonical_url: str | None = None,
    captions: Sequence[str] = (),
) -> None:
    """Insert (or replace) one article as the parse stage would."""
    url = f"https://{site}.example/{article_id}.html"
    connection.execute("DELETE FROM articles WHERE article_id = ?", [article_id])
    connection.execute(
        """
        INSERT INTO articles (article_id, site, url, canonical_url, page_id, title, lead, body,
            published_at, authors, section, word_count, content_sha256, duplicate_of, extractor,
            first_seen_at, last_seen_at, parsed_at)
        VALUES (?, ?, ?, ?, 'page', ?, '', ?, ?, [], NULL, 0, ?, NULL, 'selectors', now(), now(), now())
        """,
        [
            article_id, site, url, canonical_url, f"Tin {article_id}", "\n\n".join(body),
            published_at and datetime.fromisoformat(published_at), body_hash(body),
        ],
    )
    connection.execute("DELETE FROM captions WHERE article_id = ?", [article_id])
    for position, text in enumerate(captions):
        connection.execute(
            "INSERT INTO captions (article_id, position, text, occurrences) VALUES (?, ?, ?, 2)",
            [article_id, position, text],
        )


def links(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    return set(connection.execute("SELECT article_id, duplicate_of, method FROM duplicates").fetchall())


def pointers(connection: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    return dict(connection.execute("SELECT article_id, duplicate_of FROM articles").fetchall())


def test_exact_copy_points_at_the_earlier_article(connection):
    store(connection, "copy", ROAD_EXACT, "2025-10-09T09:00:00+07:00", site="tuoitrethudo")
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    dedup_articles(connection)
    assert links(connection) == {("copy", "original", "exact")}
    assert pointers(connection) == {"copy": "original", "original": None}


def test_near_copy_is_linked_with_its_measured_similarity(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "portal", ROAD_NEAR, "2025-10-08T15:00:00+07:00", site="quangninh-gov")
    dedup_articles(connection)
    method, similarity = connection.execute(
        "SELECT method, similarity FROM duplicates WHERE article_id = 'portal'"
    ).fetchone()
    assert method == "near"
    assert 0.6 < similarity < 1.0


def test_page_declaring_another_address_canonical_is_a_url_copy(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(
        connection, "amp", ROAD[:2], "2025-10-08T09:00:00+07:00",
        canonical_url="https://baoquangninh.example/original.html",
    )
    dedup_articles(connection)
    assert links(connection) == {("amp", "original", "url")}


def test_print_page_with_the_same_body_is_a_url_copy_not_an_exact_one(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(
        connection, "print", ROAD, "2025-10-08T09:00:00+07:00",
        canonical_url="https://baoquangninh.example/original.html",
    )
    dedup_articles(connection)
    assert links(connection) == {("print", "original", "url")}


def test_canonical_link_to_the_home_page_links_nothing(connection):
    store(connection, "road", ROAD, "2025-10-08T09:00:00+07:00", canonical_url="https://baoquangninh.example/")
    store(connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00", canonical_url="https://baoquangninh.example/")
    dedup_articles(connection)
    assert links(connection) == set()


def test_pages_naming_themselves_canonical_are_not_url_copies(connection):
    store(connection, "road", ROAD, "2025-10-08T09:00:00+07:00", canonical_url="https://baoquangninh.example/road.html")
    store(
        connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00",
        canonical_url="https://baoquangninh.example/insurance.html",
    )
    dedup_articles(connection)
    assert links(connection) == set()


def test_article_sharing_one_paragraph_is_not_linked(connection):
    store(connection, "road", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    assert links(connection) == set()


def test_short_identical_bodies_are_not_exact_copies(connection):
    store(connection, "video-1", ("Xem video.",), "2025-10-08T09:00:00+07:00")
    store(connection, "video-2", ("Xem video.",), "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    assert links(connection) == set()


def test_every_copy_points_at_the_first_published_one(connection):
    store(connection, "national", ROAD_EXACT, "2025-10-09T09:00:00+07:00", site="tuoitrethudo")
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "portal", ROAD_NEAR, "2025-10-08T15:00:00+07:00", site="quangninh-gov")
    dedup_articles(connection)
    assert pointers(connection) == {"national": "original", "original": None, "portal": "original"}


def test_copy_matching_only_another_copy_names_it_as_matched_with(connection):
    store(connection, "original", ROAD[:4], "2025-10-08T09:00:00+07:00")
    store(connection, "portal", ROAD, "2025-10-08T15:00:00+07:00")
    # Shares the portal's last three paragraphs but too little of the original's body.
    store(connection, "digest", ROAD[2:], "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    row = connection.execute(
        "SELECT duplicate_of, method, matched_with FROM duplicates WHERE article_id = 'digest'"
    ).fetchone()
    assert row == ("original", "near", "portal")


def test_copy_linked_to_the_first_copy_reports_that_link(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "portal", ROAD_NEAR, "2025-10-08T15:00:00+07:00")
    store(connection, "portal-mobile", ROAD_NEAR, "2025-10-08T15:00:00+07:00")
    dedup_articles(connection)
    row = connection.execute(
        "SELECT duplicate_of, method, matched_with FROM duplicates WHERE article_id = 'portal-mobile'"
    ).fetchone()
    assert row == ("original", "near", "original")


def test_undated_copy_never_becomes_the_first(connection):
    store(connection, "undated", ROAD, None)
    store(connection, "dated", ROAD_EXACT, "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    assert pointers(connection) == {"dated": None, "undated": "dated"}


def test_equal_publication_times_fall_back_to_the_smaller_article_id(connection):
    store(connection, "b-copy", ROAD_EXACT, "2025-10-08T09:00:00+07:00")
    store(connection, "a-copy", ROAD, "2025-10-08T09:00:00+07:00")
    dedup_articles(connection)
    assert pointers(connection) == {"a-copy": None, "b-copy": "a-copy"}


def test_running_twice_changes_nothing(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "portal", ROAD_NEAR, "2025-10-08T15:00:00+07:00")
    dedup_articles(connection)
    before = connection.execute("SELECT * FROM duplicates ORDER BY article_id").fetchall()
    second = dedup_articles(connection)
    assert second.articles_indexed == 0
    assert connection.execute("SELECT * FROM duplicates ORDER BY article_id").fetchall() == before


def test_later_night_finding_an_earlier_copy_moves_the_whole_story(connection):
    store(connection, "national", ROAD_EXACT, "2025-10-09T09:00:00+07:00")
    store(connection, "portal", ROAD_NEAR, "2025-10-08T15:00:00+07:00")
    dedup_articles(connection)
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    result = dedup_articles(connection)
    assert result.articles_indexed == 1
    assert pointers(connection) == {"national": "original", "original": None, "portal": "original"}


def test_reparsed_article_with_another_body_leaves_its_story(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "copy", ROAD_EXACT, "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    store(connection, "copy", INSURANCE, "2025-10-09T09:00:00+07:00")
    dedup_articles(connection)
    assert links(connection) == set()
    assert pointers(connection) == {"copy": None, "original": None}


def test_only_the_named_articles_are_indexed(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "copy", ROAD_EXACT, "2025-10-09T09:00:00+07:00")
    result = dedup_articles(connection, ["original"])
    assert result.articles_indexed == 1
    assert connection.execute("SELECT article_id FROM dedup_index").fetchall() == [("original",)]


def test_stories_view_counts_a_story_once_with_every_copy(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "national", ROAD_EXACT, "2025-10-09T09:00:00+07:00", site="tuoitrethudo")
    store(connection, "insurance", INSURANCE, "2025-10-09T10:00:00+07:00")
    dedup_articles(connection)
    rows = connection.execute(
        "SELECT story_id, article_count, site_count, [c.article_id for c in copies] FROM v_stories ORDER BY story_id"
    ).fetchall()
    assert rows == [("insurance", 1, 1, ["insurance"]), ("original", 2, 2, ["original", "national"])]


def test_caption_reused_across_articles_is_listed_once(connection):
    store(connection, "road", ROAD, "2025-10-08T09:00:00+07:00", captions=[WIRE_CAPTION, "Ảnh minh họa"])
    store(connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00",
          site="tuoitrethudo", captions=[WIRE_CAPTION.upper(), "Ảnh minh hoạ"])
    dedup_articles(connection)
    rows = connection.execute(
        "SELECT caption, article_count, site_count, story_count FROM v_caption_reuse"
    ).fetchall()
    assert rows == [(WIRE_CAPTION.upper(), 2, 2, 2)]


def test_every_dedup_table_view_and_column_is_commented(connection):
    missing = connection.execute(
        """
        SELECT table_name, column_name FROM duckdb_columns()
        WHERE table_name IN ('dedup_index', 'dedup_bands', 'duplicate_pairs', 'caption_keys', 'duplicates',
                             'v_stories', 'v_caption_reuse')
          AND comment IS NULL
        """
    ).fetchall()
    assert missing == []


def test_caption_changed_by_a_new_parse_is_keyed_again(connection):
    store(connection, "road", ROAD, "2025-10-08T09:00:00+07:00", captions=[WIRE_CAPTION])
    store(connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00", captions=["Người dân làm thủ tục"])
    dedup_articles(connection)
    store(connection, "insurance", INSURANCE, "2025-10-09T09:00:00+07:00", captions=[WIRE_CAPTION])
    result = dedup_articles(connection)
    assert (result.articles_indexed, result.articles_recaptioned) == (0, 1)
    assert connection.execute("SELECT article_count FROM v_caption_reuse").fetchall() == [(2,)]
    assert dedup_articles(connection).articles_recaptioned == 0


def test_failure_half_way_leaves_the_warehouse_as_it_was(connection):
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "copy", ROAD_EXACT, "2025-10-09T09:00:00+07:00")
    # A pair row the index does not know about makes the pair insert fail after indexing.
    connection.execute(
        "INSERT INTO duplicate_pairs VALUES ('copy', 'original', 'exact', 1.0, 1.0, now())"
    )
    with pytest.raises(duckdb.ConstraintException):
        dedup_articles(connection)
    assert connection.execute("SELECT count(*) FROM dedup_index").fetchone() == (0,)
    assert connection.execute("SELECT count(*) FROM dedup_bands").fetchone() == (0,)


def test_an_article_whose_comparison_text_fails_is_recorded_and_the_others_linked(connection, monkeypatch):
    from warehouse import dedup as dedup_module

    comparison_text = dedup_module.comparison_text

    def fails_on_insurance(body, captions=()):
        if INSURANCE[0] in body:
            raise RecursionError("maximum recursion depth exceeded")
        return comparison_text(body, captions)

    monkeypatch.setattr(dedup_module, "comparison_text", fails_on_insurance)
    store(connection, "copy", ROAD_EXACT, "2025-10-09T09:00:00+07:00", site="tuoitrethudo")
    store(connection, "original", ROAD, "2025-10-08T09:00:00+07:00")
    store(connection, "insurance", INSURANCE, "2025-10-08T10:00:00+07:00")
    dedup_articles(connection)
    assert links(connection) == {("copy", "original", "exact")}
    assert connection.execute("SELECT article_id, stage, error_class FROM article_failures").fetchall() == [
        ("insurance", "dedup", "RecursionError")
    ]
