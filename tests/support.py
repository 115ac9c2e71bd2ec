"""Helpers for tests that run provnews as a subprocess on an isolated data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

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


class AirflowApi(Protocol):
    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> dict: ...


def run_nightly_through_api(airflow: AirflowApi, token: str, dag_ids: Sequence[str], timeout_seconds: float) -> dict:
    """Unpause the DAGs, trigger provnews_nightly through the REST API and wait for its end.

    The run's fields, with its task instances' states keyed by (task_id, map_index).
    """
    deadline = time.monotonic() + timeout_seconds
    # The dag-processor parses the DAG files a few seconds after start.
    while True:
        try:
            for dag_id in dag_ids:
                airflow.api("PATCH", f"/api/v2/dags/{dag_id}", token, {"is_paused": False})
            break
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(3)
    run = airflow.api("POST", "/api/v2/dags/provnews_nightly/dagRuns", token, {"logical_date": None})
    path = f"/api/v2/dags/provnews_nightly/dagRuns/{run['dag_run_id']}"
    while run["state"] not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run still {run['state']} after {timeout_seconds}s"
        time.sleep(5)
        run = airflow.api("GET", path, token)
    tasks = airflow.api("GET", f"{path}/taskInstances", token)["task_instances"]
    return run | {"task_states": {(task["task_id"], task["map_index"]): task["state"] for task in tasks}}
