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
