# Environment of the local Airflow (`make airflow`): sourced by ops/airflow-standalone.sh and by
# anyone who wants the `airflow` CLI to talk to the same home, e.g.
#   source ops/airflow-env.sh && airflow dags list
# Every value can be overridden by setting it before sourcing.

PROJECT_ROOT="${PROJECT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PROVNEWS_DATA="${PROVNEWS_DATA:-$PROJECT_ROOT/data}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$PROVNEWS_DATA/airflow}"
export PROVNEWS_AIRFLOW_PORT="${PROVNEWS_AIRFLOW_PORT:-8080}"
export PROVNEWS_AIRFLOW_USER="${PROVNEWS_AIRFLOW_USER:-admin}"
export PROVNEWS_MIRROR_PORT="${PROVNEWS_MIRROR_PORT:-8765}"

export AIRFLOW__CORE__DAGS_FOLDER="$PROJECT_ROOT/dags"
# The DAGs import provnews from the checkout, installed in the venv or not.
export PYTHONPATH="$PROJECT_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# Naive times are Vietnam's; the UI shows the browser's zone (Asia/Ho_Chi_Minh in Vietnam).
export AIRFLOW__CORE__DEFAULT_TIMEZONE=Asia/Ho_Chi_Minh
export AIRFLOW__CORE__EXECUTOR="${AIRFLOW__CORE__EXECUTOR:-LocalExecutor}"
export AIRFLOW__CORE__AUTH_MANAGER=airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="$PROVNEWS_AIRFLOW_USER:admin"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE="$AIRFLOW_HOME/passwords.json"
# Loopback only: this is a developer's Airflow, not a shared service.
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="$PROVNEWS_AIRFLOW_PORT"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$PROVNEWS_AIRFLOW_PORT"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://127.0.0.1:$PROVNEWS_AIRFLOW_PORT/execution/"
# Parse new DAG files quickly so a fresh start shows them within seconds.
export AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="${AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL:-10}"
