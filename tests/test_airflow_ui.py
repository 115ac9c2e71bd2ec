"""The Airflow UI of `make airflow`, in a real browser: an operator logs in and sees the night's run.

Starts ops/airflow-standalone.sh on free ports with the mirror, runs provnews_nightly once
through Airflow's REST API, then drives Debian's Chromium (Playwright) through the login and
the DAG's page, and saves a screenshot to data/screenshots/.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import PROJECT_ROOT, free_port

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "data" / "screenshots"
RUN_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class LocalAirflow:
    base_url: str
    user: str
    password: str

    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode("utf-8") if body is not None else None,
            method=method,
            headers={"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def token(self) -> str:
        return self.api("POST", "/auth/token", body={"username": self.user, "password": self.password})[
            "access_token"
        ]


@pytest.fixture(scope="module")
def airflow_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalAirflow]:
    from mirror.server import MirrorServer

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run ops/install-browser.sh (make browser)")
    root = tmp_path_factory.mktemp("airflow_ui")
    mirror = MirrorServer(port=free_port()).start()
    port = free_port()
    password = secrets.token_urlsafe(16)
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW", "PROVNEWS_"))},
        "PROVNEWS_DATA": str(root / "data"),
        "PROVNEWS_MIRROR_PORT": str(mirror.port),
        "PROVNEWS_AIRFLOW_PORT": str(port),
        "PROVNEWS_AIRFLOW_PASSWORD": password,
    }
    script = PROJECT_ROOT / "ops" / "airflow-standalone.sh"
    started = subprocess.run(
        ["bash", str(script), "start"], env=environment, capture_output=True, text=True, timeout=600
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield LocalAirflow(base_url=f"http://127.0.0.1:{port}", user="admin", password=password)
    finally:
        subprocess.run(["bash", str(script), "stop"], env=environment, capture_output=True, timeout=180)
        mirror.stop()


@pytest.fixture(scope="module")
def nightly_run(airflow_ui: LocalAirflow) -> dict:
    """A provnews_nightly run triggered through the REST API and waited for."""
    token = airflow_ui.token()
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    # The dag-processor parses the DAG files a few seconds after start.
    while True:
        try:
            airflow_ui.api("PATCH", "/api/v2/dags/provnews_nightly", token, {"is_paused": False})
            break
        except urllib.error.HTTPError as error:
            if error.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(3)
    run = airflow_ui.api("POST", "/api/v2/dags/provnews_nightly/dagRuns", token, {"logical_date": None})
    path = f"/api/v2/dags/provnews_nightly/dagRuns/{run['dag_run_id']}"
    while run["state"] not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run still {run['state']} after {RUN_TIMEOUT_SECONDS}s"
        time.sleep(5)
        run = airflow_ui.api("GET", path, token)
    tasks = airflow_ui.api("GET", f"{path}/taskInstances", token)["task_instances"]
    return run | {"task_states": {(task["task_id"], task["map_index"]): task["state"] for task in tasks}}


def test_operator_logs_in_and_sees_the_nightly_run_succeeded(airflow_ui: LocalAirflow, nightly_run: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert nightly_run["state"] == "success", nightly_run["task_states"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly")
            page.locator("input[name=username]").fill(airflow_ui.user)
            page.locator("input[name=password]").fill(airflow_ui.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dags/provnews_nightly**", timeout=60_000)
            page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly/runs/{nightly_run['dag_run_id']}")
            # The run's header: its id and, beside it, the state badge.
            header = page.get_by_role("heading", name=nightly_run["dag_run_id"], exact=True).locator("xpath=..")
            expect(header.get_by_text("Success", exact=True)).to_be_visible(timeout=60_000)
            expect(page.get_by_text("run_complete").first).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "provnews_nightly_run.png"), full_page=True)
        finally:
            browser.close()
