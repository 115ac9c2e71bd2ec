"""The Airflow UI of `make airflow`, in a real browser: an operator logs in, sees the night's run
and its deadline, opens the run's report, and reprocesses.

Starts ops/airflow-standalone.sh on free ports with the mirror, runs provnews_nightly once
through Airflow's REST API, then drives Debian's Chromium (Playwright, in Vietnam's time zone)
through the login, the DAG's page, the run's Report tab, and provnews_reprocess triggers sent
from the logged-in page as the trigger form sends them; screenshots go to data/screenshots/.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support import PROJECT_ROOT, free_port, run_nightly_through_api

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
    return run_nightly_through_api(
        airflow_ui, airflow_ui.token(), ("provnews_nightly", "provnews_reprocess"), RUN_TIMEOUT_SECONDS
    )


@pytest.fixture(scope="module")
def browser_page(airflow_ui: LocalAirflow) -> Iterator[object]:
    """A logged-in page of Chromium, in the time zone of the operators."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900}, timezone_id="Asia/Ho_Chi_Minh")
            page = context.new_page()
            page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly")
            page.locator("input[name=username]").fill(airflow_ui.user)
            page.locator("input[name=password]").fill(airflow_ui.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/dags/provnews_nightly**", timeout=60_000)
            yield page
        finally:
            browser.close()


def test_operator_logs_in_and_sees_the_nightly_run_succeeded(
    airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    assert nightly_run["state"] == "success", nightly_run["task_states"]
    page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly/runs/{nightly_run['dag_run_id']}")
    # The run's header: its id and, beside it, the state badge.
    header = page.get_by_role("heading", name=nightly_run["dag_run_id"], exact=True).locator("xpath=..")
    expect(header.get_by_text("Success", exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text("run_complete").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "provnews_nightly_run.png"), full_page=True)


def test_the_deadline_shows_on_the_dag(airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly")
    expect(page.get_by_text("1 deadline", exact=True).first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "provnews_nightly_deadline.png"))


def test_the_report_opens_from_the_run(airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{airflow_ui.base_url}/dags/provnews_nightly/runs/{nightly_run['dag_run_id']}")
    page.get_by_role("tab", name="Report").or_(page.get_by_role("link", name="Report")).first.click()
    report = page.frame_locator("iframe[title=Report]")
    expect(report.get_by_role("heading", name="provnews report")).to_be_visible(timeout=60_000)
    expect(report.get_by_role("heading", name="Articles per site", exact=True)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "provnews_nightly_report.png"), full_page=True)


def trigger_reprocess(airflow_ui: LocalAirflow, page: object, conf: dict) -> tuple[int, dict]:
    """POST a provnews_reprocess run as the trigger form does, with the page's login; (status, answer)."""
    answer = page.request.post(
        f"{airflow_ui.base_url}/api/v2/dags/provnews_reprocess/dagRuns",
        data=json.dumps({"logical_date": None, "conf": conf}),
        headers={"Content-Type": "application/json"},
    )
    return answer.status, answer.json()


def wait_for_run(airflow_ui: LocalAirflow, dag_id: str, run_id: str) -> tuple[str, dict[str, str]]:
    token = airflow_ui.token()
    path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    run = airflow_ui.api("GET", path, token)
    while run["state"] not in ("success", "failed"):
        assert time.monotonic() < deadline, f"run still {run['state']} after {RUN_TIMEOUT_SECONDS}s"
        time.sleep(5)
        run = airflow_ui.api("GET", path, token)
    tasks = airflow_ui.api("GET", f"{path}/taskInstances", token)["task_instances"]
    return run["state"], {task["task_id"]: task["state"] for task in tasks}


@pytest.mark.parametrize(
    ("conf", "sentence"),
    [
        ({"sites": ["no-such-site"]}, "Unknown site no-such-site: the sites are the names of the site files"),
        ({"from_date": "2026-12-08", "to_date": "2026-12-01"}, "The first day 2026-12-08 comes after the last day"),
    ],
)
def test_reprocess_trigger_refuses_an_unknown_site_and_a_reversed_range_in_a_sentence(
    airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object, conf: dict, sentence: str
) -> None:
    status, answer = trigger_reprocess(airflow_ui, browser_page, conf)
    assert status == 400
    assert answer["detail"].startswith(sentence)


def test_reprocess_form_offers_choices_in_words_and_refuses_a_reversed_range(
    airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object
) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{airflow_ui.base_url}/dags/provnews_reprocess")
    page.get_by_test_id("trigger-dag-button").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("First day (Vietnam time)").first).to_be_visible(timeout=60_000)
    expect(dialog.get_by_text("Sites whose pages to redo").first).to_be_visible()
    expect(dialog.get_by_text("Parse the pages again").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "provnews_reprocess_form.png"), full_page=True)
    for label, day in (("First day (Vietnam time)", "2026-12-08"), ("Last day (Vietnam time)", "2026-12-01")):
        dialog.get_by_role("group").filter(has_text=label).get_by_role("textbox").first.fill(day)
    dialog.get_by_role("button", name="Trigger").click()
    expect(page.get_by_text("comes after the last day").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "provnews_reprocess_refused.png"), full_page=True)


def test_reprocess_over_a_day_with_pages_reparses_them(
    airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object
) -> None:
    # The night just crawled: its pages were fetched today, in Vietnam.
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    status, run = trigger_reprocess(
        airflow_ui, browser_page, {"sites": ["mirror-baoquangninh"], "from_date": today, "to_date": today}
    )
    assert status == 200, run
    state, tasks = wait_for_run(airflow_ui, "provnews_reprocess", run["dag_run_id"])
    assert state == "success", tasks
    token = airflow_ui.token()
    path = f"/api/v2/dags/provnews_reprocess/dagRuns/{urllib.parse.quote(run['dag_run_id'], safe='')}"
    parsed = airflow_ui.api("GET", f"{path}/taskInstances/parse/xcomEntries/return_value", token)["value"]
    assert (parsed if isinstance(parsed, dict) else json.loads(parsed))["articles"] > 0


def test_reprocess_over_a_day_without_pages_fails(
    airflow_ui: LocalAirflow, nightly_run: dict, browser_page: object
) -> None:
    status, run = trigger_reprocess(
        airflow_ui, browser_page, {"sites": ["mirror-baoquangninh"], "from_date": "2020-01-01", "to_date": "2020-01-01"}
    )
    assert status == 200, run
    state, tasks = wait_for_run(airflow_ui, "provnews_reprocess", run["dag_run_id"])
    assert state == "failed"
    assert tasks["parse"] == "failed"
    assert tasks["publish"] == "upstream_failed"
