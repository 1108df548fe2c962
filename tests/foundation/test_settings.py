import os
import subprocess
import sys


def _run_check(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env_extra
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "DJANGO_SETTINGS_MODULE": "stabil.config.settings"}, capture_output=True, text=True,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _run_check({
        "STABIL_ENV": "production", "STABIL_SECRET_KEY": "x" * 20 + "-production-secret-key-for-test-" + "y" * 20,
        "STABIL_DATA_DIR": str(tmp_path), "STABIL_ALLOWED_HOSTS": "stabil.example.se",
    })
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"STABIL_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"], capture_output=True, text=True,
        env={**env, "STABIL_ENV": "production", "STABIL_DATA_DIR": str(tmp_path),
             "DJANGO_SETTINGS_MODULE": "stabil.config.settings"},
    )
    assert result.returncode != 0 and "STABIL_SECRET_KEY" in result.stderr


def test_database_url_selects_the_engine(monkeypatch):
    import dj_database_url

    assert dj_database_url.parse("postgresql://postgres@127.0.0.1:5432/x")["ENGINE"].endswith("postgresql")
    assert dj_database_url.parse("sqlite:////tmp/x.sqlite3")["ENGINE"].endswith("sqlite3")


PRODUCTION_ENV = {"STABIL_ENV": "production", "STABIL_SECRET_KEY": "x" * 20 + "-production-secret-key-for-test-" + "y" * 20}


def test_production_refuses_a_wildcard_host(tmp_path):
    # Before: STABIL_ALLOWED_HOSTS='*' passed `check --deploy` in production.
    for hosts in ("*", "stabil.kommun.se,*", ".se", "*.kommun.se"):
        result = _run_check({**PRODUCTION_ENV, "STABIL_DATA_DIR": str(tmp_path), "STABIL_ALLOWED_HOSTS": hosts})
        assert result.returncode != 0 and "STABIL_ALLOWED_HOSTS" in result.stderr, hosts


def test_production_accepts_named_hosts_and_a_municipality_subdomain_pattern(tmp_path):
    result = _run_check({**PRODUCTION_ENV, "STABIL_DATA_DIR": str(tmp_path),
                         "STABIL_ALLOWED_HOSTS": "stabil.kommun.se,.stabil.kommun.se"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_demo_password_and_sommar2026(tmp_path):
    # Before: both were accepted as passwords with STABIL_ENV=production.
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth.password_validation import validate_password\n"
        "from django.core.exceptions import ValidationError\n"
        "for p in ('Demo-stabil-2026', 'Sommar2026'):\n"
        "    try:\n"
        "        validate_password(p)\n"
        "    except ValidationError:\n"
        "        print('refused', p)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False,
        env={**env, **PRODUCTION_ENV, "STABIL_DATA_DIR": str(tmp_path), "STABIL_ALLOWED_HOSTS": "stabil.kommun.se",
             "DJANGO_SETTINGS_MODULE": "stabil.config.settings"},
    )
    assert result.stdout.split("\n")[:2] == ["refused Demo-stabil-2026", "refused Sommar2026"], result.stderr
