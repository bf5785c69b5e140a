import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _start(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("HAMDELI_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", *(args or ("check",))], cwd=ROOT,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HAMDELI_DEBUG": "maybe"}, "HAMDELI_DEBUG"),
        ({"HAMDELI_DIMMED_AFTER_MONTHS": "twelve"}, "HAMDELI_DIMMED_AFTER_MONTHS"),
        ({"HAMDELI_DIMMED_AFTER_MONTHS": "0"}, "HAMDELI_DIMMED_AFTER_MONTHS"),
        ({"HAMDELI_MODE": "staging"}, "HAMDELI_MODE"),
        ({"HAMDELI_MODE": "production"}, "HAMDELI_SECRET_KEY"),
        ({"HAMDELI_DATABASE_URL": "mysql://x@y/z"}, "HAMDELI_DATABASE_URL"),
        ({"HAMDELI_TRUSTED_PROXIES": "-1"}, "HAMDELI_TRUSTED_PROXIES"),
        ({"HAMDELI_SESSION_DAYS": "0"}, "HAMDELI_SESSION_DAYS"),
    ],
)
def test_a_bad_setting_stops_start_up_naming_the_variable(env, named):
    result = _start(env)
    assert result.returncode != 0
    assert named in result.stderr


def test_production_mode_passes_the_deployment_checklist():
    result = _start({"HAMDELI_MODE": "production", "HAMDELI_SECRET_KEY": "k" * 20 + "x9!Q#z" * 8,
                     "HAMDELI_ALLOWED_HOSTS": "hamdeli.example.org"},
                    "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
