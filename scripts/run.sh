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
python manage.py migrate --no-input
python manage.py seed_demo
if [ "$DEBUG" != True ] && [ "$DEBUG" != true ]; then
  python manage.py collectstatic --no-input
fi
echo "Serving http://${HOST:-127.0.0.1}:${PORT:-8000}/ (log in as teacher1@demo.school / demo-pass-2026)"
exec daphne -b "${HOST:-127.0.0.1}" -p "${PORT:-8000}" attendance_system.asgi:application
