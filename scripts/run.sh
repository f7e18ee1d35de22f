#!/usr/bin/env bash
# Install, migrate, load the demo institution and serve the app (HTTP and WebSocket) with daphne.
# Embedded defaults: SQLite, in-memory channel layer, email printed to the console. Any variable of
# .env.example overrides them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh requirements.txt

if [ ! -f .env ]; then
  # A development checkout: manage.py run by hand then works too. .env.example lists every setting.
  printf '# Written by scripts/run.sh for development; see .env.example.\nDEBUG=True\n' > .env
fi
export DEBUG=${DEBUG:-True}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in emails point to this server, unless SITE_URL is set (in the environment or in .env).
if [ -z "${SITE_URL:-}" ] && ! grep -Eqs '^[[:space:]]*(export[[:space:]]+)?SITE_URL=' .env; then
  export SITE_URL="http://$HOST:$PORT"
fi
python manage.py compilemessages --ignore=.venv --ignore=node_modules >/dev/null
python manage.py migrate --no-input
python manage.py seed_demo
if [ "$DEBUG" != True ] && [ "$DEBUG" != true ]; then
  python manage.py collectstatic --no-input
fi
echo "Serving http://$HOST:$PORT/ (log in as teacher1@demo.school / demo-pass-2026)"
exec daphne -b "$HOST" -p "$PORT" attendance_system.asgi:application
