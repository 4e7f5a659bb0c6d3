#!/usr/bin/env bash
# Install PostgreSQL from Debian's packages, start it, and make the role and database the store
# tests use (DOSTYQ_TEST_PG_URL in .ci/run). Safe to run again: each step checks first.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version main .* online"; then
    pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtA -c \"$1\""; }
if [ -z "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'dostyq_ci'")" ]; then
    psql_admin "CREATE ROLE dostyq_ci LOGIN PASSWORD 'dostyq_ci'"
fi
if [ -z "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = 'dostyq_ci'")" ]; then
    su postgres -c "createdb -O dostyq_ci dostyq_ci"
fi
echo "PostgreSQL $version on 127.0.0.1:5432, database dostyq_ci"
