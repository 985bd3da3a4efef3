#!/usr/bin/env bash
# Make sure a PostgreSQL server answers for the tests. Sourced by `make test`:
# exports ROSHAN_TEST_PG (admin URL) and says which server the tests use.
# Uses the machine's server on 127.0.0.1:5432 when one answers; otherwise, as
# root, installs Debian's postgresql, starts it and sets a local password.
_roshan_pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }
_roshan_py_ready() {
  .venv/bin/python - "$1" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}
if [ -z "${ROSHAN_TEST_PG:-}" ]; then
  if _roshan_py_ready "postgresql://postgres@127.0.0.1:5432/postgres"; then
    export ROSHAN_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    echo "tests use PostgreSQL: the machine's server on 127.0.0.1:5432 (trust auth)" >&2
  elif [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "no PostgreSQL answers on 127.0.0.1:5432: installing Debian's postgresql" >&2
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    fi
    ver=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2 || true
    for _ in $(seq 1 30); do _roshan_pg_ready && break; sleep 1; done
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'roshan-test'\"" >&2
    export ROSHAN_TEST_PG="postgresql+psycopg://postgres:roshan-test@127.0.0.1:5432/postgres"
    echo "tests use PostgreSQL: Debian postgresql $ver started by scripts/ensure-postgres.sh" >&2
  else
    echo "no PostgreSQL server: PostgreSQL tests will be skipped (or fail if ROSHAN_REQUIRE_PG=1)" >&2
  fi
else
  echo "tests use PostgreSQL: ROSHAN_TEST_PG as given" >&2
fi
