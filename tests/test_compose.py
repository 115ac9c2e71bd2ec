"""docker-compose.yml and the Dockerfile: valid against the compose spec, production-shaped, no secrets.

No Docker engine is needed: the files are validated and read, never run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import PROJECT_ROOT

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
AIRFLOW_COMPONENTS = {"airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"}
CELERY_SERVICES = {"redis", "airflow-worker", "flower"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def airflow_pin() -> str:
    requirements = (PROJECT_ROOT / "requirements.in").read_text(encoding="utf-8")
    return re.search(r"^apache-airflow==(\S+)$", requirements, re.MULTILINE).group(1)


def test_compose_file_follows_the_compose_spec() -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_spec_check_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  airflow-scheduler:\n    healthcheck: {interval: 30}\n    ports: 8080\n")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


def test_airflow_components_run_on_postgres_with_an_init_service(services: dict) -> None:
    assert AIRFLOW_COMPONENTS | {"postgres", "airflow-init"} <= set(services)
    connection = services["airflow-scheduler"]["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert connection.startswith("postgresql+psycopg2://airflow:${POSTGRES_PASSWORD:?")
    for name in AIRFLOW_COMPONENTS:
        assert services[name]["depends_on"]["airflow-init"] == {"condition": "service_completed_successfully"}


def test_init_service_migrates_creates_the_user_and_the_warehouse_pool(services: dict) -> None:
    script = "\n".join(services["airflow-init"]["command"])
    assert "airflow db migrate" in script
    assert "airflow pools set provnews_warehouse 1" in script
    assert "airflow users create --role Admin" in script and "_AIRFLOW_WWW_USER_PASSWORD" in script
    assert services["airflow-init"]["environment"]["_AIRFLOW_WWW_USER_PASSWORD"] == "${_AIRFLOW_WWW_USER_PASSWORD:?set it}"


def test_init_runs_as_root_and_hands_the_data_folders_to_airflow_uid(services: dict) -> None:
    init = services["airflow-init"]
    script = "\n".join(init["command"])
    assert init["user"] == "0:0"
    assert 'chown -R "$${AIRFLOW_UID}:0"' in script
    assert init["environment"]["AIRFLOW_UID"] == "${AIRFLOW_UID:-50000}"
    for name in AIRFLOW_COMPONENTS:
        assert services[name]["user"] == "${AIRFLOW_UID:-50000}:0"


def test_real_users_secrets_base_url_and_mail_come_from_the_environment(services: dict) -> None:
    environment = services["airflow-scheduler"]["environment"]
    assert environment["AIRFLOW__CORE__AUTH_MANAGER"].endswith("fab_auth_manager.FabAuthManager")
    required = {
        "AIRFLOW__CORE__FERNET_KEY": "AIRFLOW_FERNET_KEY",
        "AIRFLOW__API_AUTH__JWT_SECRET": "AIRFLOW_JWT_SECRET",
        "AIRFLOW__API__BASE_URL": "AIRFLOW_BASE_URL",
        "AIRFLOW__SMTP__SMTP_HOST": "SMTP_HOST",
        "AIRFLOW__SMTP__SMTP_PORT": "SMTP_PORT",
        "AIRFLOW__SMTP__SMTP_MAIL_FROM": "ALERT_FROM",
        "PROVNEWS_SMTP_HOST": "SMTP_HOST",
        "PROVNEWS_SMTP_PORT": "SMTP_PORT",
        "PROVNEWS_ALERT_FROM": "ALERT_FROM",
    }
    for key, variable in required.items():
        assert environment[key] == f"${{{variable}:?set it}}", key


def test_healthchecks_are_those_of_the_official_compose_file(services: dict) -> None:
    def probe(name: str) -> str:
        return " ".join(services[name]["healthcheck"]["test"])

    assert "http://localhost:8080/api/v2/version" in probe("airflow-api-server")
    assert "http://localhost:8974/health" in probe("airflow-scheduler")
    assert "--job-type DagProcessorJob" in probe("airflow-dag-processor")
    assert "--job-type TriggererJob" in probe("airflow-triggerer")
    assert "pg_isready" in probe("postgres")


def test_runtime_lock_is_the_tested_lock_without_test_tooling() -> None:
    def pins(name: str) -> dict[str, str]:
        lines = (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith(("#", " ")))

    runtime, tested = pins("requirements-runtime.lock"), pins("requirements.lock")
    assert runtime["apache-airflow"] == airflow_pin()
    assert {"apache-airflow-providers-fab", "apache-airflow-providers-postgres", "psycopg2-binary"} <= set(runtime)
    assert not {"pytest", "playwright", "check-jsonschema"} & set(runtime)
    assert all(tested[name] == version for name, version in runtime.items())


def test_no_password_or_secret_has_a_default_value(services: dict) -> None:
    for name, service in services.items():
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"(PASSWORD|SECRET|SECRET_KEY|SQL_ALCHEMY_CONN|RESULT_BACKEND)$", key):
                assert re.search(r"\$\{[A-Z_]+:\?set it\}", str(value)), (name, key, value)


def test_executor_is_local_by_default_and_switched_by_environment(services: dict) -> None:
    executor = services["airflow-scheduler"]["environment"]["AIRFLOW__CORE__EXECUTOR"]
    assert executor == "${AIRFLOW_EXECUTOR:-LocalExecutor}"


def test_celery_services_only_start_with_the_celery_profile(services: dict) -> None:
    with_profile = {name for name, service in services.items() if "celery" in service.get("profiles", [])}
    assert with_profile == CELERY_SERVICES


def test_every_long_running_service_has_a_healthcheck(services: dict) -> None:
    unchecked = [name for name, service in services.items() if name != "airflow-init" and "healthcheck" not in service]
    assert unchecked == []


def test_published_ports_bind_loopback_only(services: dict) -> None:
    ports = [port for service in services.values() for port in service.get("ports", [])]
    assert ports and all(port.startswith("127.0.0.1:") for port in ports)


def test_airflow_services_use_the_project_image_and_mount_data(services: dict) -> None:
    for name in AIRFLOW_COMPONENTS | {"airflow-init", "airflow-worker"}:
        assert services[name]["build"] == "."
        assert "./data:/opt/airflow/data" in services[name]["volumes"]


def test_dockerfile_builds_on_the_pinned_airflow_image() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM apache/airflow:(\S+)-python3\.11$", dockerfile, re.MULTILINE).group(1) == airflow_pin()


def test_dockerfile_installs_the_lock_then_the_project_without_dependencies() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    lock = dockerfile.index("pip install --no-cache-dir -r requirements-runtime.lock")
    project = dockerfile.index("pip install --no-cache-dir --no-deps .")
    assert lock < project


def test_docker_build_context_leaves_out_the_virtualenv_and_data() -> None:
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "data", ".git"} <= set(ignored)
