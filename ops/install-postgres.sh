#!/usr/bin/env bash
# Debian's PostgreSQL server for the production-shape test (tests/test_production_shape.py), which
# starts its own cluster on loopback as the Airflow metadata database and stops it by PID.
# Installs once per machine; a no-op when initdb is already there. The cluster apt creates by
# default is not used; it is stopped so that it takes no port and no memory.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    exit 0
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql
if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header | while read -r version cluster _; do
        $SUDO pg_ctlcluster "$version" "$cluster" stop || true
    done
fi
ls /usr/lib/postgresql/*/bin/initdb
