"""Run modes: production settings are secure by default and refuse to start without a secret key."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_check_deploy_is_clean_with_only_a_secret_key_and_hosts():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="a-production-secret-key-with-enough-length-and-variety-0987654321",
        ALLOWED_HOSTS="attendance.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_starting_without_a_secret_key_fails_and_says_so():
    result = manage("check", DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_every_variable_the_settings_read_is_documented_in_env_example():
    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', (ROOT / "attendance_system/settings.py").read_text()))
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - documented == set()


def test_every_management_command_names_the_missing_secret_key():
    result = manage("makemigrations", "--check", "--dry-run", DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_bad_channel_layer_name_fails_and_says_so():
    result = manage("check", DEBUG="True", REDIS_CHANNEL_LAYER="fast")
    assert result.returncode != 0
    assert "REDIS_CHANNEL_LAYER must be one of pubsub, core." in result.stderr
