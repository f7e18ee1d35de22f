#!/usr/bin/env bash
# Install what the tests need (Python packages, Chromium, axe-core), check lint and migrations, then run the whole
# suite twice: on SQLite with the in-memory channel layer, and on PostgreSQL with Redis. Redis and PostgreSQL are
# started (or installed, as root) when missing; with CI set, failing to get them fails the run instead of skipping
# that pass.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh requirements-dev.txt

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt_install chromium
  else
    echo "The browser tests need Debian's Chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

# axe-core for the accessibility browser test, from the npm registry at the version package-lock.json pins,
# into node_modules/ (not in git). Failing to get it fails the run.
command -v npm >/dev/null || apt_install nodejs npm
axe_pinned=$(node -p 'require("./package-lock.json").packages["node_modules/axe-core"].version')
axe_installed=$(node -p 'require("./node_modules/axe-core/package.json").version' 2>/dev/null || true)
if [ "$axe_installed" != "$axe_pinned" ]; then
  echo "Installing axe-core $axe_pinned from the npm registry..."
  npm ci --no-audit --no-fund --loglevel=error
fi

unavailable() {
  if [ -n "${CI:-}" ]; then echo "FAIL: $1" >&2; exit 1; fi
  echo "WARNING: $1; the PostgreSQL and Redis pass is skipped (it is required when CI is set)." >&2
  SKIP_SERVICES=1
}

redis_up() { .venv/bin/python -c 'import redis, sys; redis.Redis(port=int(sys.argv[1])).ping()' "${1:-6379}" 2>/dev/null; }
postgres_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

start_redis() {
  redis_up && return 0
  command -v redis-server >/dev/null || { [ "$(id -u)" = 0 ] && apt_install redis-server; } || true
  command -v redis-server >/dev/null || return 1
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do redis_up && return 0; sleep 0.2; done
  return 1
}

start_postgres() {
  postgres_up && return 0
  if [ ! -d /etc/postgresql ] && [ "$(id -u)" = 0 ]; then
    apt_install postgresql
    fresh_postgres=1
  fi
  [ -d /etc/postgresql ] || return 1
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 50); do postgres_up && break; sleep 0.2; done
  postgres_up || return 1
  if [ -n "${fresh_postgres:-}" ]; then
    # A new cluster only lets the postgres system user in; give the tests a password to use over TCP.
    as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  fi
}

# tests/test_proxy.py runs the proxy's own configuration (deploy/nginx.conf.template) with Debian's nginx.
if [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ]; then
    # Debian starts a newly installed nginx on port 80; the tests run their own, so keep it from starting.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
      apt_install nginx
      rm -f /usr/sbin/policy-rc.d
    else
      apt_install nginx
    fi
  elif [ -n "${CI:-}" ]; then
    echo "The proxy test needs Debian's nginx: sudo apt-get install nginx" >&2
    exit 1
  fi
fi

SKIP_SERVICES=
start_redis || unavailable "Redis is not reachable on 127.0.0.1:6379"
[ -n "$SKIP_SERVICES" ] || start_postgres || unavailable "PostgreSQL is not reachable on 127.0.0.1:5432"

echo "== ruff"
ruff check .
ruff format --check .
echo "== migrations"
DEBUG=True python manage.py makemigrations --check --dry-run
echo "== translations"
DEBUG=True python manage.py compilemessages --ignore=.venv --ignore=node_modules

# The passes run side by side: much of the suite waits (browsers, daphne processes, Redis restarts), so two
# cores finish them in little more than the time of the longest. The PostgreSQL and Redis pass is split in two,
# the browser tests apart, so that neither waits for the other. Each pass has its own database and its own Redis
# server (the SQLite pass's tests that use Redis, tests/layers.py, read TESTS_REDIS_URL): Redis's publish and
# subscribe, which the channel layer uses, cross its numbered databases.
logs=$(mktemp -d)
start_test_redis() {
  redis_up "$1" || redis-server --daemonize yes --bind 127.0.0.1 --port "$1" --save "" --appendonly no >/dev/null
  for _ in $(seq 50); do redis_up "$1" && break; sleep 0.2; done
}
sqlite_redis=(env -u DATABASE_URL -u REDIS_URL)
if [ -z "$SKIP_SERVICES" ]; then
  start_test_redis 6380
  start_test_redis 6381
  sqlite_redis+=(TESTS_REDIS_URL=redis://127.0.0.1:6380/0)
fi
echo "== tests on SQLite, in-memory channel layer, browser tests aside (log: $logs/sqlite.log)"
"${sqlite_redis[@]}" pytest -m "not browser" "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pass=$!
if [ -z "$SKIP_SERVICES" ]; then
  postgres=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/attendance}
  echo "== tests on PostgreSQL, Redis channel layer (log: $logs/postgres.log)"
  DATABASE_URL=$postgres REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0} \
    pytest -m "not browser" "$@" >"$logs/postgres.log" 2>&1 &
  postgres_pass=$!
  # The browser tests run once, here, where the pages meet the real Redis and PostgreSQL.
  echo "== browser tests on PostgreSQL and Redis (log: $logs/browser.log)"
  DATABASE_URL=${postgres}_browser REDIS_URL=redis://127.0.0.1:6381/0 \
    pytest -m browser "$@" >"$logs/browser.log" 2>&1 &
  browser_pass=$!
fi
# A pass is good when its tests passed, or when it holds none of those asked for (pytest's status 5).
pass_ok() { wait "$1" && return 0; local status=$?; [ "$status" -eq 5 ]; }
failed=0
pass_ok "$sqlite_pass" || failed=1
echo "== SQLite pass"; cat "$logs/sqlite.log"
if [ -n "${postgres_pass:-}" ]; then
  pass_ok "$postgres_pass" || failed=1
  echo "== PostgreSQL pass"; cat "$logs/postgres.log"
  pass_ok "$browser_pass" || failed=1
  echo "== browser pass"; cat "$logs/browser.log"
fi
exit $failed
