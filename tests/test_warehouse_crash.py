"""A stage killed with SIGKILL half-way leaves the warehouse as it was before the stage."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.support import PROJECT_ROOT
from tests.warehouse_samples import landing_run, open_warehouse, page, parsed_article
from warehouse.articles import pages_to_parse, queue_pending_pages, store_articles
from warehouse.load import load_runs

ARTICLES = 20_000
# Stores ARTICLES articles with one caption each in one store_articles call, announcing the start.
WRITER = r"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from transforms.records import Caption
from warehouse.articles import pages_to_parse, queue_pending_pages, store_articles
from tests.warehouse_samples import open_warehouse, parsed_article
connection = open_warehouse(Path(sys.argv[1]))
queue_pending_pages(connection)
pages = [page for batch in pages_to_parse(connection, batch_size=100_000) for page in batch]
caption = Caption("Cán bộ huyện thăm hộ nghèo.", None, 1, 0)
parsed = [parsed_article(page.page_id, page.url, captions=(caption,)) for page in pages]
print("storing", flush=True)
for _ in range(50):
    store_articles(connection, parsed, [])
"""


def loaded_warehouse(tmp_path: Path, articles: int) -> tuple[Path, duckdb.DuckDBPyConnection]:
    """A warehouse with one run of `articles` landed article pages, still open."""
    warehouse = tmp_path / "warehouse.duckdb"
    connection = open_warehouse(warehouse)
    urls = [f"https://baoquangninh.vn/bai-{number}.html" for number in range(articles)]
    load_runs(connection, [landing_run(tmp_path / "landing", "run-1", [page(url) for url in urls])])
    return warehouse, connection


def start_writer(script: str, warehouse: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, str(warehouse)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_store_leaves_articles_and_captions_all_or_nothing(tmp_path: Path) -> None:
    warehouse, connection = loaded_warehouse(tmp_path, ARTICLES)
    connection.close()
    writer = start_writer(WRITER, warehouse)
    assert writer.stdout is not None
    started = writer.stdout.readline()
    assert started == "storing\n", writer.communicate()[1]
    # Somewhere inside the first or a later transaction.
    time.sleep(0.5)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    reopened = open_warehouse(warehouse)
    articles, captions = reopened.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM captions)"
    ).fetchone()
    assert articles in (0, ARTICLES) and captions == articles


FACT_ARTICLES = 2_000
# Stores ten facts for each article, over and over, saying when each insert of facts starts.
FACTS_WRITER = r"""
import sys
from pathlib import Path
from transforms.records import Fact
from warehouse.facts import store_facts
from tests.warehouse_samples import open_warehouse


class Announcing:
    def __init__(self, connection):
        self.connection = connection

    def execute(self, query, *parameters):
        if query.lstrip().startswith("INSERT INTO facts"):
            print("inserting", flush=True)
        return self.connection.execute(query, *parameters)

    def __getattr__(self, name):
        return getattr(self.connection, name)


connection = Announcing(open_warehouse(Path(sys.argv[1])))
article_ids = [row[0] for row in connection.execute("SELECT article_id FROM articles").fetchall()]
facts = [
    Fact(kind="number", text=f"{number} hộ", sentence=f"Có {number} hộ nghèo.", source="body",
         start=3, end=8, value=float(number), unit="hộ", paragraph=number)
    for number in range(10)
]
for _ in range(50):
    store_facts(connection, {article_id: facts for article_id in article_ids}, "facts-test")
"""


def test_killed_store_facts_leaves_facts_and_their_marks_together(tmp_path: Path) -> None:
    warehouse, connection = loaded_warehouse(tmp_path, FACT_ARTICLES)
    queue_pending_pages(connection)
    store_articles(
        connection,
        [parsed_article(page.page_id, page.url) for batch in pages_to_parse(connection) for page in batch],
        [],
    )
    connection.close()
    writer = start_writer(FACTS_WRITER, warehouse)
    assert writer.stdout is not None
    # The second insert: the first store has committed facts and marks, and this one has
    # already deleted the old facts when it is killed.
    for _ in range(2):
        assert writer.stdout.readline() == "inserting\n", writer.communicate()[1]
    time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    reopened = open_warehouse(warehouse)
    mismatched = reopened.execute(
        """
        SELECT count(*) FROM fact_extractions e
        LEFT JOIN (SELECT article_id, count(*) AS stored FROM facts GROUP BY article_id) f USING (article_id)
        WHERE coalesce(f.stored, 0) <> e.facts
        """
    ).fetchone()[0]
    marked = reopened.execute("SELECT count(*) FROM fact_extractions").fetchone()[0]
    assert marked == FACT_ARTICLES
    assert mismatched == 0
