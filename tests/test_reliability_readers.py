"""Analysts read the published warehouse while the nightly job writes: no lock error, no half state.

A real run of the offline mirror publishes a first warehouse. Reader processes then query
data/published/warehouse.duckdb in a loop while the stages load, parse, dedup, extract facts,
check and publish more nights (landed copies of the first night's runs at new URLs) several
times over. Every read must succeed and see one whole snapshot.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT, free_port, provnews_environment
from tests.test_reliability_crash import copy_run
from tests.test_reliability_idempotency import run_stage

pytestmark = pytest.mark.slow

PUBLISHES = 3
# Each read opens the file afresh, as `provnews sql` and a notebook cell do, and takes every
# number from that one connection, so the numbers must agree with each other.
FRESH_READER = r"""
import json, sys, time
from pathlib import Path
import duckdb
published, stop = Path(sys.argv[1]), Path(sys.argv[2])
while not stop.exists():
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            row = connection.execute('''
                SELECT (SELECT count(*) FROM articles),
                       (SELECT count(DISTINCT article_id) FROM articles),
                       (SELECT count(*) FROM captions
                        WHERE article_id NOT IN (SELECT article_id FROM articles)),
                       (SELECT count(*) FROM facts
                        WHERE article_id NOT IN (SELECT article_id FROM articles)),
                       (SELECT count(*) FROM duplicates
                        WHERE duplicate_of NOT IN (SELECT article_id FROM articles)),
                       (SELECT count(*) FROM pages),
                       (SELECT list(table_name ORDER BY table_name) FROM duckdb_tables()
                        WHERE schema_name = 'main'),
                       (SELECT list(view_name ORDER BY view_name) FROM duckdb_views()
                        WHERE NOT internal AND schema_name = 'main')
            ''').fetchone()
        keys = ["articles", "distinct_articles", "orphan_captions", "orphan_facts",
                "orphan_duplicates", "pages", "tables", "views"]
        print(json.dumps(dict(zip(keys, row))), flush=True)
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
    time.sleep(0.01)
"""
# One connection held open across the publishes, as an analyst's long session does.
HELD_READER = r"""
import json, sys, time
from pathlib import Path
import duckdb
published, stop = Path(sys.argv[1]), Path(sys.argv[2])
connection = duckdb.connect(str(published), read_only=True)
while not stop.exists():
    try:
        count = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(json.dumps({"articles": count}), flush=True)
    except Exception as error:
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
    time.sleep(0.05)
"""


def start_reader(script: str, published: Path, stop: Path, output: Path) -> subprocess.Popen[str]:
    # Readings go to a file: a pipe nobody drains until the end would fill and stall the reader.
    with output.open("w", encoding="utf-8") as readings_file:
        return subprocess.Popen(
            [sys.executable, "-c", script, str(published), str(stop)],
            cwd=PROJECT_ROOT,
            stdout=readings_file,
            stderr=subprocess.PIPE,
            text=True,
        )


def readings(reader: subprocess.Popen[str], output: Path) -> list[dict]:
    _, errors = reader.communicate(timeout=60)
    assert reader.returncode == 0, errors[-3000:]
    return [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def read_during_nights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[dict]]]:
    data = tmp_path_factory.mktemp("data")
    environment = provnews_environment(data, free_port())
    run_stage(["run", "--with-mirror"], environment)
    published = data / "published" / "warehouse.duckdb"
    stop = data / "stop-reading"
    scripts = {"fresh": FRESH_READER, "held": HELD_READER}
    outputs = {name: data / f"readings-{name}.jsonl" for name in scripts}
    readers = {name: start_reader(script, published, stop, outputs[name]) for name, script in scripts.items()}
    try:
        # Let both readers settle on the first published file before anything changes.
        time.sleep(2)
        first_night = sorted((data / "landing").glob("*/*/*.json"))
        for night in range(1, PUBLISHES + 1):
            # The first night's runs again, fetched later, with their articles at new URLs.
            for manifest in first_night:
                copy_run(manifest, night, timedelta(hours=night), new_urls=True)
            for stage in ("load", "parse", "dedup", "facts", "check", "publish"):
                run_stage([stage], environment)
        time.sleep(1)
    finally:
        stop.touch()
    yield {name: readings(reader, outputs[name]) for name, reader in readers.items()}


def test_no_read_fails_while_the_stages_write_and_publish(read_during_nights) -> None:
    errors = [reading["error"] for readings in read_during_nights.values() for reading in readings if "error" in reading]
    assert errors == []


def test_the_fresh_reader_saw_every_publish(read_during_nights) -> None:
    # Guards the other tests' meaning: the reads really spanned the swaps.
    seen = {reading["articles"] for reading in read_during_nights["fresh"] if "articles" in reading}
    assert len(seen) == PUBLISHES + 1, sorted(seen)


def test_every_read_sees_one_whole_snapshot(read_during_nights) -> None:
    readings = [reading for reading in read_during_nights["fresh"] if "articles" in reading]
    assert readings
    first = readings[0]
    for reading in readings:
        assert reading["articles"] == reading["distinct_articles"]
        assert (reading["orphan_captions"], reading["orphan_facts"], reading["orphan_duplicates"]) == (0, 0, 0)
        assert reading["tables"] == first["tables"]
        assert reading["views"] == first["views"]


def test_counts_only_move_forward(read_during_nights) -> None:
    readings = [reading for reading in read_during_nights["fresh"] if "articles" in reading]
    articles = [reading["articles"] for reading in readings]
    pages = [reading["pages"] for reading in readings]
    assert articles == sorted(articles)
    assert pages == sorted(pages)


def test_a_session_held_open_keeps_reading_its_snapshot(read_during_nights) -> None:
    counts = {reading.get("articles") for reading in read_during_nights["held"]}
    assert len(read_during_nights["held"]) > 10
    assert len(counts) == 1, counts
