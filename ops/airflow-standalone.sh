#!/usr/bin/env bash
# `make airflow`: a standalone Airflow (SQLite, LocalExecutor: scheduler, dag-processor,
# triggerer, api-server) with the project's DAGs, UI on http://127.0.0.1:${PROVNEWS_AIRFLOW_PORT:-8080},
# and the offline mirror the nightly DAG crawls, on 127.0.0.1:${PROVNEWS_MIRROR_PORT:-8765}
# (unless PROVNEWS_TARGET=real, or something already answers there, e.g. `provnews serve-mirror`).
# Runs in the background in its own session; the session's PID is in
# $AIRFLOW_HOME/standalone.pid and all output in $AIRFLOW_HOME/standalone.log.
#
#   ops/airflow-standalone.sh start   start (waits until the UI answers)
#   ops/airflow-standalone.sh stop    stop the processes started by `start`
#
# Login: user $PROVNEWS_AIRFLOW_USER (admin); password $PROVNEWS_AIRFLOW_PASSWORD if set,
# otherwise generated on first start into $AIRFLOW_HOME/passwords.json.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/airflow-env.sh"
export PATH="$PROJECT_ROOT/.venv/bin:$PATH"
PID_FILE="$AIRFLOW_HOME/standalone.pid"
LOG_FILE="$AIRFLOW_HOME/standalone.log"
STARTUP_SECONDS="${PROVNEWS_AIRFLOW_STARTUP_SECONDS:-180}"

# The PID is also the session's process group: running while any process of it is alive.
running() {
    [[ -f "$PID_FILE" ]] && pgrep -g "$(cat "$PID_FILE")" >/dev/null
}

write_password() {
    # Airflow generates a password for a user missing from the file; an explicit one wins.
    if [[ -n "${PROVNEWS_AIRFLOW_PASSWORD:-}" ]]; then
        PROVNEWS_AIRFLOW_PASSWORD="$PROVNEWS_AIRFLOW_PASSWORD" python - <<'PYTHON'
import json, os
path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
with open(path, "w", encoding="utf-8") as handle:
    json.dump({os.environ["PROVNEWS_AIRFLOW_USER"]: os.environ["PROVNEWS_AIRFLOW_PASSWORD"]}, handle)
os.chmod(path, 0o600)
PYTHON
    fi
}

start() {
    if running; then
        echo "airflow: already running (pid $(cat "$PID_FILE")) on $AIRFLOW__API__BASE_URL"
        return 0
    fi
    mkdir -p "$AIRFLOW_HOME" "$PROVNEWS_DATA"
    write_password
    airflow db migrate >>"$LOG_FILE" 2>&1
    airflow pools set provnews_warehouse 1 \
        "One slot: tasks that open the DuckDB warehouse run one at a time." >>"$LOG_FILE" 2>&1
    # The components are started one by one rather than by `airflow standalone`, because only
    # this way the scheduler's and triggerer's log servers (fixed ports, every interface) stay
    # off: with one machine the api-server reads task logs from disk. Their own session lets
    # stop reach them all; when one component exits, the session ends, so a half-running
    # Airflow never looks healthy.
    export PROVNEWS_START_MIRROR=no
    if [[ "${PROVNEWS_TARGET:-mirror}" != real ]] &&
        ! curl --silent --max-time 2 --output /dev/null "http://127.0.0.1:$PROVNEWS_MIRROR_PORT/"; then
        PROVNEWS_START_MIRROR=yes
    fi
    setsid bash -c '
        if [[ "$PROVNEWS_START_MIRROR" == yes ]]; then
            provnews serve-mirror --port "$PROVNEWS_MIRROR_PORT" &
        fi
        airflow scheduler --skip-serve-logs &
        airflow dag-processor &
        airflow triggerer --skip-serve-logs &
        airflow api-server --host 127.0.0.1 --port "$PROVNEWS_AIRFLOW_PORT" &
        wait -n
        echo "airflow: a component exited; stopping the others" >&2
        kill -TERM 0
    ' >>"$LOG_FILE" 2>&1 < /dev/null &
    echo $! >"$PID_FILE"
    local deadline=$((SECONDS + STARTUP_SECONDS))
    until curl --silent --fail --max-time 2 "$AIRFLOW__API__BASE_URL/api/v2/monitor/health" >/dev/null; do
        if ! running; then
            echo "airflow: exited during start-up; see $LOG_FILE" >&2
            tail -n 30 "$LOG_FILE" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "airflow: no answer on $AIRFLOW__API__BASE_URL after ${STARTUP_SECONDS}s; see $LOG_FILE" >&2
            return 1
        fi
        sleep 2
    done
    echo "airflow: $AIRFLOW__API__BASE_URL (pid $(cat "$PID_FILE"), user $PROVNEWS_AIRFLOW_USER," \
        "password in $AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE)"
    if [[ "$PROVNEWS_START_MIRROR" == yes ]]; then
        echo "mirror: http://127.0.0.1:$PROVNEWS_MIRROR_PORT/ (stopped by make airflow-stop)"
    fi
}

stop() {
    if ! running; then
        echo "airflow: not running"
        rm -f "$PID_FILE"
        return 0
    fi
    local pid
    pid="$(cat "$PID_FILE")"
    # SIGTERM lets each component shut down cleanly; whatever is left after 60 s is killed.
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 60); do
        pgrep -g "$pid" >/dev/null || break
        sleep 1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    echo "airflow: stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
