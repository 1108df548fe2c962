"""The `stabil` command line, run as a user would run it (a subprocess)."""

import os
import subprocess
import sys

import pytest


def stabil(args, tmp_path, env_extra=None, input=None):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "STABIL_DATA_DIR": str(tmp_path),
           **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "stabil.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, input=input)


def test_commands_refuse_an_unmigrated_database(tmp_path):
    result = stabil(["createuser", "x", "--role", "caseworker"], tmp_path)
    assert result.returncode == 2
    assert "stabil migrate" in result.stderr and "Traceback" not in result.stderr


def test_migrate_then_createuser(tmp_path):
    assert stabil(["migrate"], tmp_path).returncode == 0
    result = stabil(["createuser", "sara", "--role", "caseworker", "--unit", "NOPE"], tmp_path)
    assert result.returncode == 2 and "okänd enhet: NOPE" in result.stderr
    result = stabil(["createuser", "sara", "--role", "hr", "--password-env", "PW"], tmp_path,
                    {"PW": "ett-langt-losenord-123"})
    assert result.returncode == 0, result.stderr
    assert "skapades" in result.stdout
    again = stabil(["createuser", "sara", "--role", "hr"], tmp_path)
    assert again.returncode == 2 and "finns redan" in again.stderr


def test_bad_arguments_give_swedish_usage_errors(tmp_path):
    result = stabil(["createuser", "x", "--role", "king"], tmp_path)
    assert result.returncode == 2 and "ogiltigt val" in result.stderr


@pytest.mark.slow
def test_demo_is_idempotent(tmp_path):
    first = stabil(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "handlaggare" in first.stdout and "Demo-stabil-2026" in first.stdout
    second = stabil(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "fanns redan" in second.stderr


def test_usage_errors_write_nothing_on_stdout(tmp_path):
    result = stabil(["report", "nonexistent-report"], tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "ogiltigt val" in result.stderr


def test_help_lists_every_command_and_report(tmp_path):
    from stabil.cli import build_registry

    registry = build_registry()
    result = stabil(["--help"], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    for name in registry.commands:
        assert name in result.stdout
    for name in [*registry.commands, *(f"report {kind}" for kind in registry.reports)]:
        sub = stabil([*name.split(), "--help"], tmp_path)
        assert sub.returncode == 0, (name, sub.stderr[-2000:])


def test_daily_digest_schedule_setting(monkeypatch):
    import threading

    from stabil.cli import _start_daily_digest
    from stabil.common.cli import CliError

    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name))
    monkeypatch.setenv("STABIL_DIGEST_TIME", "off")
    _start_daily_digest()
    assert started == []
    monkeypatch.setenv("STABIL_DIGEST_TIME", "06:30")
    _start_daily_digest()
    assert started == ["stabil-daily-digest"]
    monkeypatch.setenv("STABIL_DIGEST_TIME", "half past six")
    with pytest.raises(CliError, match="inte en tid"):
        _start_daily_digest()


def test_monthly_retention_proposal_schedule_setting(monkeypatch):
    import threading

    from stabil.cli import _start_monthly_retention_proposal
    from stabil.common.cli import CliError

    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name))
    monkeypatch.setenv("STABIL_RETENTION_PROPOSE_TIME", "off")
    _start_monthly_retention_proposal()
    assert started == []
    monkeypatch.delenv("STABIL_RETENTION_PROPOSE_TIME")
    _start_monthly_retention_proposal()
    assert started == ["stabil-monthly-retention"]
    monkeypatch.setenv("STABIL_RETENTION_PROPOSE_TIME", "sex")
    with pytest.raises(CliError, match="STABIL_RETENTION_PROPOSE_TIME 'sex' är inte en tid"):
        _start_monthly_retention_proposal()


def test_feeds_schedule_setting(monkeypatch):
    """`stabil serve` reads the drop folder daily (issue 14): only with STABIL_IMPORT_DIR, not when off."""
    import threading

    from stabil.cli import _start_feeds_schedule
    from stabil.common.cli import CliError

    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name))
    monkeypatch.delenv("STABIL_IMPORT_DIR", raising=False)
    _start_feeds_schedule()
    monkeypatch.setenv("STABIL_IMPORT_DIR", "/srv/stabil/in")
    monkeypatch.setenv("STABIL_IMPORT_TIME", "off")
    _start_feeds_schedule()
    assert started == []
    monkeypatch.setenv("STABIL_IMPORT_TIME", "02:00,14:30")
    _start_feeds_schedule()
    assert started == ["stabil-feeds"]
    monkeypatch.setenv("STABIL_IMPORT_TIME", "25:00")
    with pytest.raises(CliError, match="STABIL_IMPORT_TIME"):
        _start_feeds_schedule()


def test_argparses_own_texts_are_swedish(capsys):
    """Issue 13: "usage:", "positional arguments", "options" and "show this help message and exit" were
    English around Swedish help texts; argparse's own texts now come from ``common.cli.ARGPARSE_SV``."""
    from stabil.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["report", "egenkontroll", "--help"])
    assert exit_.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith("användning: stabil report egenkontroll")
    assert "flaggor:" in help_text and "visa den här hjälpen och avsluta" in help_text
    assert "--from ÅÅÅÅ-MM-DD --to ÅÅÅÅ-MM-DD" in help_text and "[--unit ENHET]" in help_text
    for english in ("usage:", "options:", "positional arguments", "show this help", "DUE_FROM", "UNIT"):
        assert english not in help_text
    with pytest.raises(SystemExit) as exit_:
        main(["report", "egenkontroll", "--from", "2026-01-01", "--to", "2026-12-31", "--unit"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("användning: ") and "fel: argument --unit: ett värde krävs" in error
    with pytest.raises(SystemExit):
        main(["import"])
    assert "fel: följande argument krävs: FIL" in capsys.readouterr().err
