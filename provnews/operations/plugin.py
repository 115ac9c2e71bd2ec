"""The provnews Airflow plugin (api-server side): each run's HTML report in the UI, and reprocess
scopes refused at trigger time.

* A FastAPI app mounted at /provnews serves the report the run's `report` task wrote
  (GET /provnews/reports/<dag id>/<run id>), to users allowed to read that DAG's runs.
* An external view puts it on every run's page as a **Report** tab.
* A root middleware reads the conf of a provnews_reprocess trigger (UI form or REST API) and
  refuses, with HTTP 400 and a sentence, unknown sites or stages and a first day after the last
  day: JSON Schema cannot compare two fields, and its own messages are a dump of the schema.

Registered through the `airflow.plugins` entry point of the provnews package.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse

URL_PREFIX = "/provnews"
REPROCESS_DAG = "provnews_reprocess"
TRIGGER_PATH = re.compile(rf"^/api/v2/dags/{REPROCESS_DAG}/dagRuns/?$")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def report_app() -> FastAPI:
    from airflow.api_fastapi.core_api.security import requires_access_dag
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity

    app = FastAPI(title="provnews reports", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(
        "/reports/{dag_id}/{run_id}",
        response_class=HTMLResponse,
        dependencies=[Depends(requires_access_dag("GET", DagAccessEntity.RUN))],
    )
    def run_report(dag_id: str, run_id: str) -> HTMLResponse:
        from provnews.stages import run_report_path

        path = run_report_path(f"{dag_id}/{run_id}")
        if not path.is_file():
            return HTMLResponse(
                "<!doctype html><meta charset=utf-8><title>No report</title>"
                f"<p>No report for run {html.escape(run_id)} of {html.escape(dag_id)}: its <code>report</code> "
                "task has not run yet, or this DAG writes none.</p>",
                status_code=404,
            )
        return HTMLResponse(path.read_text(encoding="utf-8"))

    return app


def reprocess_refusal(conf: object) -> str | None:
    """Why the conf of a provnews_reprocess trigger cannot run, in a sentence; None when it can."""
    from provnews.stages import STAGES, validate_scope

    if not isinstance(conf, dict):
        return None
    stages = conf.get("stages")
    if isinstance(stages, list):
        unknown = [stage for stage in stages if stage not in STAGES]
        if unknown:
            return f"unknown stage {', '.join(map(str, unknown))}: the stages are {', '.join(STAGES)}"
        if not stages:
            return f"choose at least one stage of {', '.join(STAGES)}"
    sites = conf.get("sites")
    try:
        validate_scope(
            sites if isinstance(sites, list) else None, conf.get("from_date") or None, conf.get("to_date") or None
        )
    except ValueError as error:
        return str(error)[:1].upper() + str(error)[1:]
    return None


class ReprocessTriggerCheck:
    """ASGI middleware: refuse a provnews_reprocess trigger whose scope means nothing, before Airflow's schema check."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not TRIGGER_PATH.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            refusal = reprocess_refusal((json.loads(body or b"{}") or {}).get("conf"))
        except (ValueError, AttributeError):
            refusal = None  # Not JSON, or not an object: Airflow's own validation answers.
        if refusal is not None:
            payload = json.dumps({"detail": refusal}).encode("utf-8")
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
                }
            )
            await send({"type": "http.response.body", "body": payload})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class ProvnewsPlugin(AirflowPlugin):
    name = "provnews"
    fastapi_apps = [{"app": report_app(), "url_prefix": URL_PREFIX, "name": "provnews reports"}]
    fastapi_root_middlewares = [{"middleware": ReprocessTriggerCheck, "name": "provnews reprocess check"}]
    external_views = [
        {
            "name": "Report",
            # Relative to the UI's base: the UI fills in the run it shows.
            "href": "provnews/reports/{DAG_ID}/{RUN_ID}",
            "destination": "dag_run",
            "url_route": "provnews_report",
        }
    ]
