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
        ({"HAMDELI_EMAIL_BACKEND": "sendmail"}, "HAMDELI_EMAIL_BACKEND"),
        ({"HAMDELI_EMAIL_STARTTLS": "yes", "HAMDELI_EMAIL_SSL": "yes"}, "HAMDELI_EMAIL_SSL"),
        ({"HAMDELI_LOGIN_FAILURE_LIMIT": "0"}, "HAMDELI_LOGIN_FAILURE_LIMIT"),
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


def test_email_goes_to_the_console_in_development_and_over_smtp_in_production():
    show = ("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_HOST)")
    development = _start({}, *show)
    assert development.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.console.EmailBackend", "localhost"]
    production = _start({"HAMDELI_MODE": "production", "HAMDELI_SECRET_KEY": "k" * 60,
                         "HAMDELI_ALLOWED_HOSTS": "hamdeli.example.org", "HAMDELI_EMAIL_HOST": "mail.example.org"},
                        *show)
    assert production.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend", "mail.example.org"], production.stderr
