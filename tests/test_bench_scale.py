"""`make bench-scale` on a tiny corpus: every stage timed in a process of its own, the cache reused, the report kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import scale


@pytest.mark.slow
def test_tiny_scale_benchmark_times_every_stage_and_reuses_its_corpus(tmp_path: Path, capsys) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nmake bench's figures.\n", encoding="utf-8")
    arguments = ["--sizes", "40", "--night-pages", "10", "--cache", str(tmp_path / "cache"), "--output", str(report)]
    scale.main(arguments)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nmake bench's figures.\n")
    section = text[text.index(scale.BEGIN_MARKER) : text.index(scale.END_MARKER)]
    for stage in scale.STAGES:
        row = next(line for line in section.splitlines() if line.startswith(f"| {stage} |"))
        assert " s, " in row and "GB" in row and "stopped" not in row, row
    assert "whole ordinary night at 40" in section
    # The second run lands a night on the cached corpus instead of building it again.
    capsys.readouterr()
    scale.main(arguments)
    assert "reused from" in capsys.readouterr().out
    assert report.read_text(encoding="utf-8").count(scale.BEGIN_MARKER) == 1


def test_report_section_replaces_its_own_and_keeps_the_rest(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    report.write_text(f"# Benchmarks\n\n{scale.BEGIN_MARKER}\nold\n{scale.END_MARKER}\n\ntail\n", encoding="utf-8")
    scale.write_report(f"{scale.BEGIN_MARKER}\nnew\n{scale.END_MARKER}", report)
    assert report.read_text(encoding="utf-8") == f"# Benchmarks\n\n{scale.BEGIN_MARKER}\nnew\n{scale.END_MARKER}\n\ntail\n"
