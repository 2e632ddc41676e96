#!/usr/bin/env bash
# Make sure a PostgreSQL server answers at the URL's host. Starts the local cluster if it is
# installed but stopped. With CI=true an unreachable PostgreSQL is an error; otherwise the
# PostgreSQL run is skipped (marker file var/.postgres-unavailable).
set -uo pipefail
url=${1:-postgres://postgres@127.0.0.1:5432/twoway}
mkdir -p var
rm -f var/.postgres-unavailable
host=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.hostname or '127.0.0.1')" "$url")
port=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.port or 5432)" "$url")
user=$(python3 -c "import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p.username or 'postgres')" "$url")

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port"; }

if ! ready; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    echo "PostgreSQL is not answering on $host:$port; starting the local cluster"
    for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>&1 || true; done
    for _ in $(seq 1 30); do ready && break; sleep 1; done
  fi
fi
if ! ready; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: PostgreSQL is required when CI=true but nothing answers on $host:$port" >&2
    echo "       (install it, e.g. apt-get install postgresql, or set PG_URL)" >&2
    exit 2
  fi
  touch var/.postgres-unavailable
  exit 0
fi
# Tests create test_<name> themselves; they need a role that may create databases.
if ! psql -h "$host" -p "$port" -U "$user" -d postgres -tAc "select 1" >/dev/null 2>&1; then
  echo "error: PostgreSQL answers on $host:$port but role '$user' cannot log in" >&2
  [ "${CI:-}" = "true" ] && exit 2
  touch var/.postgres-unavailable
fi
exit 0
