"""The DAGs' failure callbacks: record every failed try in the warehouse; alert on the last one if configured.

Three kinds of alert, each sent once: a task's last failed try (on_task_failure), a DAG run that
ended failed (on_run_failure, naming the failed tasks), and a nightly run still unfinished at
its deadline (on_deadline_missed, run by the triggerer). Alerts are off by default. PROVNEWS_ALERT_WEBHOOK (an http(s) address) receives the failure
as a JSON POST; PROVNEWS_ALERT_EMAIL (comma-separated addresses) receives a plain mail through
PROVNEWS_SMTP_HOST:PROVNEWS_SMTP_PORT (default localhost:25) from PROVNEWS_ALERT_FROM.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from typing import Any

import duckdb

log = logging.getLogger(__name__)

ALERT_TIMEOUT_SECONDS = 10.0
# Two crawl tasks can fail at the same moment and both callbacks want the warehouse's one
# writer lock; waiting a little is better than losing the record of a failure.
LOCK_WAIT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class TaskFailure:
    dag_id: str
    task_id: str
    map_index: int
    # What the UI shows for a mapped instance: a crawl's site.
    map_label: str | None
    run_id: str
    try_number: int
    error: str
    log_url: str | None

    def summary(self) -> str:
        where = self.task_id if self.map_index < 0 else f"{self.task_id}[{self.map_label or self.map_index}]"
        return f"provnews: {self.dag_id} {where} failed (try {self.try_number}): {self.error}"


@dataclass(frozen=True, slots=True)
class RunAlert:
    """A whole DAG run in trouble: it failed, or it missed its deadline."""

    dag_id: str
    run_id: str
    kind: str  # run_failed | deadline_missed
    text: str
    log_url: str | None

    def summary(self) -> str:
        return f"provnews: {self.dag_id} {self.text}"


Alert = TaskFailure | RunAlert


def failure_from_context(context: Any) -> TaskFailure:
    """The failed try described by an Airflow callback context."""
    task_instance = context["ti"]
    error = context.get("exception")
    map_index = getattr(task_instance, "map_index", None)
    return TaskFailure(
        dag_id=task_instance.dag_id,
        task_id=task_instance.task_id,
        map_index=-1 if map_index is None else map_index,
        map_label=getattr(task_instance, "rendered_map_index", None) if map_index not in (None, -1) else None,
        run_id=task_instance.run_id,
        try_number=task_instance.try_number,
        error=f"{type(error).__name__}: {error}" if error is not None else "failed without an exception",
        log_url=getattr(task_instance, "log_url", None),
    )


def record_in_warehouse(failure: TaskFailure, lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> bool:
    """Write the failure to task_failures, waiting out another writer's lock; False if it could not."""
    from provnews.stages import open_warehouse
    from warehouse.failures import record_task_failure

    deadline = time.monotonic() + lock_wait_seconds
    while True:
        try:
            with open_warehouse() as connection:
                record_task_failure(connection, **asdict(failure))
            return True
        except duckdb.IOException as error:
            if time.monotonic() >= deadline:
                log.error("could not record %s in the warehouse: %s", failure.summary(), error)
                return False
            time.sleep(1.0)


def post_webhook(url: str, failure: Alert, timeout: float = ALERT_TIMEOUT_SECONDS) -> bool:
    """POST the failure as JSON to the webhook; never raises, returns whether it was accepted."""
    document = {**asdict(failure), "text": failure.summary()}
    request = urllib.request.Request(
        url,
        data=json.dumps(document, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.warning("alert webhook %s failed: %s", url, error)
        return False


def send_email(recipients: list[str], failure: Alert, timeout: float = ALERT_TIMEOUT_SECONDS) -> bool:
    """Mail the failure to the recipients; never raises, returns whether the server took it."""
    message = EmailMessage()
    message["Subject"] = failure.summary()[:200]
    message["From"] = os.environ.get("PROVNEWS_ALERT_FROM") or "provnews@localhost"
    message["To"] = ", ".join(recipients)
    message.set_content(f"{failure.summary()}\n\nLog: {failure.log_url or 'not known'}\n")
    host = os.environ.get("PROVNEWS_SMTP_HOST") or "localhost"
    port = int(os.environ.get("PROVNEWS_SMTP_PORT") or "25")
    try:
        with smtplib.SMTP(host, port, timeout=timeout) as connection:
            connection.send_message(message)
        return True
    except (smtplib.SMTPException, OSError) as error:
        log.warning("alert mail to %s failed: %s", recipients, error)
        return False


def record_safely(failure: TaskFailure) -> None:
    try:
        record_in_warehouse(failure)
    except Exception:
        # A broken warehouse must not hide the alert that follows: the operator needs it most then.
        log.exception("recording %s in the warehouse failed", failure.summary())


def on_task_retry(context: Any) -> None:
    """Airflow on_retry_callback: record the failed try; no alert, the task gets another try."""
    failure = failure_from_context(context)
    log.warning("%s; retrying; log: %s", failure.summary(), failure.log_url)
    record_safely(failure)


def on_task_failure(context: Any) -> None:
    """Airflow on_failure_callback: record the last failed try in the warehouse, then alert; never raises."""
    failure = failure_from_context(context)
    log.error("%s; log: %s", failure.summary(), failure.log_url)
    record_safely(failure)
    send_alert(failure)


def send_alert(alert: Alert) -> None:
    """Send the alert to the configured webhook and mail recipients; never raises."""
    if webhook := os.environ.get("PROVNEWS_ALERT_WEBHOOK"):
        post_webhook(webhook, alert)
    if emails := os.environ.get("PROVNEWS_ALERT_EMAIL"):
        send_email([address.strip() for address in emails.split(",") if address.strip()], alert)


def run_log_url(dag_id: str, run_id: str) -> str | None:
    """The run's page in the Airflow UI, from AIRFLOW__API__BASE_URL (None when it is not set)."""
    base_url = os.environ.get("AIRFLOW__API__BASE_URL")
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/dags/{dag_id}/runs/{urllib.parse.quote(run_id, safe='')}"


def failed_tasks_of_run(dag_id: str, run_id: str) -> list[str]:
    """The tasks of the run whose last failure task_failures holds, named as the UI names them."""
    from provnews.stages import open_warehouse

    with open_warehouse(read_only=True) as connection:
        rows = connection.execute(
            """
            SELECT DISTINCT task_id, map_index, map_label FROM task_failures
            WHERE dag_id = ? AND run_id = ? ORDER BY task_id, map_index
            """,
            [dag_id, run_id],
        ).fetchall()
    return [
        task_id if map_index < 0 else f"{task_id}[{map_label or map_index}]" for task_id, map_index, map_label in rows
    ]


def on_run_failure(context: Any) -> None:
    """Airflow DAG on_failure_callback (run by the dag-processor): one alert for the failed run."""
    dag_id, run_id = context["dag"].dag_id, context["run_id"]
    try:
        failed = failed_tasks_of_run(dag_id, run_id)
    except Exception:
        # The alert matters more than its detail: send it without the list.
        log.exception("could not list the failed tasks of %s", run_id)
        failed = []
    reason = context.get("reason") or "failed"
    text = f"run {run_id} failed ({reason})" + (f"; failed tasks: {', '.join(failed)}" if failed else "")
    alert = RunAlert(dag_id, run_id, "run_failed", text, run_log_url(dag_id, run_id))
    log.error("%s", alert.summary())
    send_alert(alert)


async def on_deadline_missed(context: dict | None = None, **_: Any) -> None:
    """Deadline callback (in the triggerer): the nightly run was not finished by its deadline."""
    import asyncio

    dag_run = (context or {}).get("dag_run") or {}
    deadline = (context or {}).get("deadline") or {}
    dag_id, run_id = dag_run.get("dag_id", "provnews_nightly"), dag_run.get("dag_run_id", "?")
    text = (
        f"run {run_id} is not finished by its deadline {deadline.get('deadline_time')} "
        f"(state {dag_run.get('state', 'unknown')})"
    )
    alert = RunAlert(dag_id, run_id, "deadline_missed", text, run_log_url(dag_id, run_id))
    log.error("%s", alert.summary())
    await asyncio.to_thread(send_alert, alert)
