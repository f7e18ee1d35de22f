"""scripts/run.sh, with its installs and commands stubbed: links in emails follow the address it serves."""

import os
import shutil
import stat
import subprocess

import pytest

from tests.live import ROOT


@pytest.fixture
def checkout(tmp_path):
    """A copy of run.sh beside a stub _venv.sh, with python and daphne stubs that print what they get."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    (tmp_path / "scripts" / "_venv.sh").write_text("")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in {"python": "true", "daphne": 'echo "daphne $* SITE_URL=${SITE_URL:-unset}"'}.items():
        stub = bin_dir / name
        stub.write_text(f"#!/bin/sh\n{body}\n")
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return tmp_path


def run(checkout, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "SITE_URL", "DEBUG"}}
    result = subprocess.run(
        ["bash", str(checkout / "scripts" / "run.sh")],
        env={**clean, "PATH": f"{checkout / 'bin'}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()[-1]


def test_links_follow_the_port_served(checkout):
    assert run(checkout, PORT="8100") == "daphne -b 127.0.0.1 -p 8100 attendance_system.asgi:application " + (
        "SITE_URL=http://127.0.0.1:8100"
    )


def test_links_follow_the_host_too(checkout):
    assert run(checkout, HOST="192.0.2.7").endswith(
        "-b 192.0.2.7 -p 8000 attendance_system.asgi:application SITE_URL=http://192.0.2.7:8000"
    )


def test_a_site_url_in_the_environment_wins(checkout):
    assert run(checkout, PORT="8100", SITE_URL="https://school.example").endswith("SITE_URL=https://school.example")


def test_a_site_url_in_env_file_wins(checkout):
    (checkout / ".env").write_text("DEBUG=True\nSITE_URL=https://school.example\n")
    # Left unset for Django, which reads it from .env.
    assert run(checkout, PORT="8100").endswith("SITE_URL=unset")
