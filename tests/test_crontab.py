"""deploy/crontab, the scheduler's cron table: every entry is well-formed cron syntax and runs a management
command this project has, so renaming a command without updating the schedule fails here and not in
production, silently, at night."""

import os
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
CRONTAB = ROOT / "deploy" / "crontab"
# In the image the project lives in /app (Dockerfile's WORKDIR).
IMAGE_ROOT = "/app/"
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (name, lowest, highest, names that stand for numbers); Sunday is 0 or 7.
FIELDS = [
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: n for n, name in enumerate(MONTHS, start=1)}),
    ("day of week", 0, 7, {name: n for n, name in enumerate(WEEKDAYS)}),
]
SHORTHANDS = {"@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*=")
USER = re.compile(r"^[a-z_][a-z0-9_-]*$")


def field_error(text, name, low, high, names):
    """Why one time field is not valid cron syntax, or None."""
    if text.lower() in names:  # a name stands alone: no ranges, lists or steps of names
        return None
    for part in text.split(","):
        span, slash, step = part.partition("/")
        if slash and not (step.isdigit() and int(step) > 0):
            return f"{name}: bad step in {part!r}"
        if span == "*":
            continue
        first, dash, last = span.partition("-")
        if slash and not dash:
            return f"{name}: a step needs a range or * in {part!r}"
        bounds = [first, last] if dash else [first]
        if not all(bound.isdigit() and low <= int(bound) <= high for bound in bounds):
            return f"{name}: {part!r} is not a number from {low} to {high}"
        if dash and int(first) > int(last):
            return f"{name}: the range {span!r} runs backwards"
    return None


def entry_errors(line):
    """Everything wrong with one line of a system cron table (/etc/cron.d format, with a user field)."""
    fields = line.split()
    if fields[0].startswith("@"):
        if fields[0] not in SHORTHANDS:
            return [f"unknown shorthand {fields[0]}"], []
        schedule, rest = [], fields[1:]
    else:
        schedule, rest = fields[:5], fields[5:]
    if len(rest) < 2:
        return ["expected five time fields, a user and a command"], []
    errors = [
        error
        for text, (name, low, high, names) in zip(schedule, FIELDS[: len(schedule)], strict=True)
        if (error := field_error(text, name, low, high, names))
    ]
    if not USER.match(rest[0]):
        errors.append(f"{rest[0]!r} is not a user name")
    return errors, shlex.split(" ".join(rest[1:]))


def entries():
    for number, line in enumerate(CRONTAB.read_text().splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#") and not VARIABLE.match(line):
            yield number, line


def test_the_crontab_has_entries_and_ends_with_a_newline():
    # cron ignores a last line without its newline.
    assert CRONTAB.read_text().endswith("\n")
    assert list(entries())


@pytest.mark.parametrize(("number", "line"), list(entries()), ids=lambda value: str(value)[:40])
def test_each_entry_is_valid_cron_and_runs_a_command_of_the_project(number, line):
    errors, command = entry_errors(line)
    assert errors == [], f"deploy/crontab line {number}: {errors}"
    program, name, *_args = command
    # Every job goes through the wrapper that gives it the container's environment and output.
    assert program.startswith(IMAGE_ROOT)
    wrapper = ROOT / program.removeprefix(IMAGE_ROOT)
    assert wrapper.is_file() and os.access(wrapper, os.X_OK), f"line {number}: {wrapper} is not an executable file"
    assert name in get_commands(), f"line {number}: there is no management command {name!r}"


def test_the_periodic_commands_are_scheduled():
    scheduled = {entry_errors(line)[1][1] for _number, line in entries()}
    assert {"close_due_sessions", "send_attendance_alerts"} <= scheduled


@pytest.mark.parametrize(
    "line",
    [
        "* * * * root /app/deploy/cron-job close_due_sessions",  # four time fields
        "60 * * * * root /app/deploy/cron-job close_due_sessions",
        "* 24 * * * root /app/deploy/cron-job close_due_sessions",
        "* * 0 * * root /app/deploy/cron-job close_due_sessions",
        "* * * 13 * root /app/deploy/cron-job close_due_sessions",
        "* * * * 8 root /app/deploy/cron-job close_due_sessions",
        "*/0 * * * * root /app/deploy/cron-job close_due_sessions",
        "5/10 * * * * root /app/deploy/cron-job close_due_sessions",
        "30-10 * * * * root /app/deploy/cron-job close_due_sessions",
        "* * * * mon-fri root /app/deploy/cron-job close_due_sessions",
        "@sometimes root /app/deploy/cron-job close_due_sessions",
        "* * * * * /app/deploy/cron-job close_due_sessions",  # no user
    ],
)
def test_the_check_refuses_malformed_entries(line):
    errors, _command = entry_errors(line)
    assert errors


@pytest.mark.parametrize(
    "line",
    [
        "*/5 9-17 * * mon root /app/deploy/cron-job close_due_sessions",
        "0,30 1-5/2 1 jan 0 root /app/deploy/cron-job close_due_sessions",
        "@daily root /app/deploy/cron-job send_attendance_alerts",
    ],
)
def test_the_check_accepts_the_usual_forms(line):
    assert entry_errors(line)[0] == []
