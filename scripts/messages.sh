#!/usr/bin/env bash
# Bring the translation catalogues (locale/<language>/LC_MESSAGES/django.po) up to date with every string marked
# in the code and the templates; then translate the new entries (README, "Languages"). Extra arguments go to
# makemessages: `scripts/messages.sh -l es` starts a Spanish catalogue. Tests and benchmarks are not translated.
set -euo pipefail
cd "$(dirname "$0")/.."
languages=()
for catalogue in locale/*/LC_MESSAGES/django.po; do
  [ -e "$catalogue" ] && languages+=(-l "$(basename "$(dirname "$(dirname "$catalogue")")")")
done
python manage.py makemessages "${languages[@]}" "$@" --add-location=file --no-obsolete \
  --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=bench --ignore=tests --ignore="*/tests"
