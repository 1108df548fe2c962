"""`stabil createuser` goes through the same service and rules as the pages; it creates, never modifies.
Django's own user commands (reachable as `stabil manage …`) cannot make anyone staff or superuser."""

import argparse

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from stabil.accounts import cli
from stabil.accounts.models import User
from stabil.common.cli import CliError


def _args(*argv):
    parser = argparse.ArgumentParser()
    cli._configure(parser)
    return parser.parse_args(argv)


def test_createuser_creates_with_role_units_and_team_and_logs_it(org, capsys, monkeypatch):
    monkeypatch.setenv("PW", "Ett-ordentligt-losenord-2026")
    assert cli._run(_args("sara", "--role", "caseworker", "--unit", "UA", "--team", "TA1", "--password-env", "PW")) == 0
    user = User.objects.get(username="sara")
    assert (user.role, user.team.code, [u.code for u in user.units.all()]) == ("caseworker", "TA1", ["UA"])
    assert not user.is_staff and not user.is_superuser
    assert any("units" in (e.changes_dict or {}) for e in LogEntry.objects.get_for_object(user))


def test_createuser_cannot_change_an_existing_user(personas):
    with pytest.raises(CliError, match="finns redan"):
        cli._run(_args("sysadmin", "--role", "department_head", "--unit", "UA"))
    admin = User.objects.get(username="sysadmin")
    assert admin.role == "sysadmin" and not admin.units.exists()


def test_createuser_applies_the_services_rules(org):
    with pytest.raises(CliError, match="TB1 hör till enheten UB"):
        cli._run(_args("x", "--role", "caseworker", "--unit", "UA", "--team", "TB1"))
    assert not User.objects.filter(username="x").exists()


def test_djangos_createsuperuser_makes_no_superuser(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Ett-ordentligt-losenord-2026")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.invalid", verbosity=0)
    root = User.objects.get(username="root")
    assert not root.is_superuser and not root.is_staff
