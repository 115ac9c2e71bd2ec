"""docker-compose.yml's production shape, proved with real components since no Docker engine runs
here: Debian's PostgreSQL on loopback as the metadata database, the compose file's own airflow-init
command and environment (read from the file, interpolated as compose does), then scheduler,
dag-processor, triggerer and api-server with that environment (FAB auth manager, Fernet key,
JWT secret, base URL, SMTP settings), and provnews_nightly run to success against the mirror.

What differs from the containers, and why: paths (AIRFLOW_HOME, the data folder, the DAGs
folder are in tmp, not /opt/airflow), the database address (POSTGRES_HOST/PORT, which the
compose file reads for that), and loopback-only binding of every server on free ports. Every
process is stopped by its PID. The Celery profile is not run (see README, "Production").
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.support import PROJECT_ROOT, free_port, run_nightly_through_api

pytestmark = pytest.mark.slow

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
COMPONENTS = {
    # service: the extra arguments that keep its servers on loopback and off fixed ports.
    "airflow-scheduler": ["--skip-serve-logs"],
    "airflow-dag-processor": [],
    "airflow-triggerer": ["--skip-serve-logs"],
    "airflow-api-server": [],
}
RUN_TIMEOUT_SECONDS = 900
VARIABLE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<operator>:?[-?])(?P<argument>[^}]*))?\}")


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    """Compose's interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.group("name", "operator", "argument")
        value = variables.get(name)
        if operator == ":?" and not value:
            raise KeyError(f"{name} is required by docker-compose.yml: {argument}")
        if operator == ":-" and not value:
            return argument
        if operator == "-" and value is None:
            return argument
        return value or ""

    return VARIABLE.sub(substitute, value)


def service_environment(service: dict, variables: Mapping[str, str]) -> dict[str, str]:
    return {key: interpolate(str(value), variables) for key, value in (service.get("environment") or {}).items()}


@dataclass
class Postgres:
    port: int
    password: str
    process: subprocess.Popen


def postgres_binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail("PostgreSQL is missing: run ops/install-postgres.sh (make postgres)")
    return found[-1].parent


def as_postgres_user() -> list[str]:
    # initdb and postgres refuse to run as root: as root, run them as nobody.
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] if os.geteuid() == 0 else []


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    binaries = postgres_binaries()
    # Not under pytest's tmp (mode 0700, root's): the server's user must reach it.
    root = Path(tempfile.mkdtemp(prefix="provnews-postgres-"))
    root.chmod(0o755)
    password = secrets.token_urlsafe(16)
    (root / "password").write_text(password, encoding="utf-8")
    if os.geteuid() == 0:
        shutil.chown(root, "nobody", "nogroup")
        shutil.chown(root / "password", "nobody", "nogroup")
    port = free_port()
    initdb = subprocess.run(
        [*as_postgres_user(), str(binaries / "initdb"), "-D", str(root / "cluster"), "-U", "airflow",
         f"--pwfile={root / 'password'}", "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8"],
        capture_output=True, text=True, timeout=120,
    )
    assert initdb.returncode == 0, initdb.stderr
    process = subprocess.Popen(
        [*as_postgres_user(), str(binaries / "postgres"), "-D", str(root / "cluster"), "-p", str(port),
         "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={root}", "-c", "fsync=off"],
        stdout=subprocess.DEVNULL, stderr=open(root / "postgres.log", "wb"), start_new_session=True,
    )
    environment = {**os.environ, "PGPASSWORD": password}
    try:
        deadline = time.monotonic() + 60
        while subprocess.run(
            [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", "airflow"], capture_output=True
        ).returncode != 0:
            assert process.poll() is None and time.monotonic() < deadline, (root / "postgres.log").read_text()
            time.sleep(0.5)
        created = subprocess.run(
            [str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "airflow", "airflow"],
            env=environment, capture_output=True, text=True, timeout=60,
        )
        assert created.returncode == 0, created.stderr
        yield Postgres(port=port, password=password, process=process)
    finally:
        stop(process)
        shutil.rmtree(root, ignore_errors=True)


def stop(process: subprocess.Popen, grace_seconds: float = 30) -> None:
    """Stop a process started in its own session, and whatever it started, by its PID."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@dataclass(frozen=True)
class Deployment:
    base_url: str
    user: str
    password: str
    scheduler_health_url: str
    environment: dict[str, str]
    init: subprocess.CompletedProcess[str]

    def api(self, method: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=json.dumps(body).encode("utf-8") if body is not None else None,
            method=method,
            headers={"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")


@pytest.fixture(scope="module")
def deployment(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from cryptography.fernet import Fernet

    from mirror.server import MirrorServer

    services = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"]
    root = tmp_path_factory.mktemp("production")
    api_port, smtp_port, health_port = free_port(), free_port(), free_port()
    mirror = MirrorServer(port=free_port()).start()
    password = secrets.token_urlsafe(16)
    # What an operator exports before `docker compose up` (see the head of docker-compose.yml).
    compose_variables = {
        "POSTGRES_PASSWORD": postgres.password,
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(postgres.port),
        "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW_JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW_API_SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW_BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW_INTERNAL_API_URL": f"http://127.0.0.1:{api_port}",
        # Nothing listens there: a mail alert would fail, and no alert is expected.
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "ALERT_FROM": "provnews@example.vn",
        "AIRFLOW_UID": str(os.getuid()),
        "PROVNEWS_TARGET": "mirror",
        "_AIRFLOW_WWW_USER_PASSWORD": password,
        "_AIRFLOW_WWW_USER_EMAIL": "operator@example.vn",
    }
    # What the image provides (Dockerfile ENV, /opt/airflow), here in tmp, and loopback binding.
    host = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("AIRFLOW", "PROVNEWS_"))},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONPATH": str(PROJECT_ROOT),
        "AIRFLOW_HOME": str(root / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "PROVNEWS_DATA": str(root / "data"),
        "PROVNEWS_MIRROR_PORT": str(mirror.port),
        "PROVNEWS_CRAWL_RETRIES": "0",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(health_port),
    }
    init_service = services["airflow-init"]
    assert init_service["user"] == "0:0" and init_service["entrypoint"] == "/bin/bash"
    init = subprocess.run(
        ["bash", *(interpolate(part, compose_variables) for part in init_service["command"])],
        env={**host, **service_environment(init_service, compose_variables)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    processes: list[subprocess.Popen] = []
    try:
        assert init.returncode == 0, init.stdout[-3000:] + init.stderr[-3000:]
        for name, loopback in COMPONENTS.items():
            service = services[name]
            command = interpolate(service["command"], compose_variables).split()
            if name == "airflow-api-server":
                loopback = ["--host", "127.0.0.1", "--port", str(api_port)]
            environment = {**host, **service_environment(service, compose_variables)}
            processes.append(
                subprocess.Popen(
                    ["airflow", *command, *loopback],
                    env=environment,
                    cwd=root,
                    stdout=open(root / f"{name}.log", "wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deployment = Deployment(
            base_url=f"http://127.0.0.1:{api_port}",
            user="admin",
            password=password,
            scheduler_health_url=f"http://127.0.0.1:{health_port}/health",
            environment=environment,
            init=init,
        )
        deadline = time.monotonic() + 300
        while True:
            exited = [name for name, process in zip(COMPONENTS, processes) if process.poll() is not None]
            assert not exited, f"{exited} exited: " + "".join(
                (root / f"{name}.log").read_text(errors="replace")[-2000:] for name in exited
            )
            try:
                deployment.api("GET", "/api/v2/version")
                break
            except (urllib.error.URLError, OSError):
                assert time.monotonic() < deadline, "the api-server did not answer in 300 s"
                time.sleep(2)
        yield deployment
    finally:
        for process in reversed(processes):
            stop(process, grace_seconds=60)
        mirror.stop()


@pytest.fixture(scope="module")
def nightly_run(deployment: Deployment) -> dict:
    token = deployment.api("POST", "/auth/token", body={"username": deployment.user, "password": deployment.password})[
        "access_token"
    ]
    return run_nightly_through_api(deployment, token, ("provnews_nightly",), RUN_TIMEOUT_SECONDS)


def test_the_compose_shape_runs_a_night_to_success_on_postgres(deployment: Deployment, nightly_run: dict) -> None:
    assert nightly_run["state"] == "success", nightly_run["task_states"]
    assert "already exists" not in deployment.init.stdout
    # The FAB auth manager refuses a wrong password.
    with pytest.raises(urllib.error.HTTPError):
        deployment.api("POST", "/auth/token", body={"username": deployment.user, "password": "wrong"})


def test_the_official_healthchecks_pass(deployment: Deployment, nightly_run: dict) -> None:
    with urllib.request.urlopen(deployment.scheduler_health_url, timeout=10) as response:
        assert response.status == 200
    for job_type in ("DagProcessorJob", "TriggererJob"):
        checked = subprocess.run(
            ["airflow", "jobs", "check", "--job-type", job_type, "--local"],
            env=deployment.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
