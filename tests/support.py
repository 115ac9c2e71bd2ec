"""Helpers for tests that run provnews as a subprocess on an isolated data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def provnews_environment(data_dir: Path, mirror_port: int, **extra: str) -> dict[str, str]:
    """Environment for a provnews subprocess writing only under data_dir."""
    return {
        **os.environ,
        "PROVNEWS_DATA": str(data_dir),
        "PROVNEWS_MIRROR_PORT": str(mirror_port),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def run_provnews(
    arguments: Sequence[str], environment: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provnews.cli", *arguments],
        env=environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
