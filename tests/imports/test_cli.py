"""`stabil import FILE --by USER`: the command line applies the named user's scope (issue 11)."""

import pytest

from stabil.audit.models import AccessRecord
from stabil.cases.models import Case, CaseEvent
from stabil.cli import main

pytestmark = pytest.mark.django_db

HEADER = "case_id,child_id,birth_date,category,unit,event,date,staff_id,outcome,until,intervention,reason\n"
STORED = "K1,B1,2015-03-01,barn,UA,report_received,2026-06-05,,,,,\n"
PROBE = "K1,ZZZ-PROBE,1900-01-01,ensamkommande,UB,report_received,2026-01-01,,,,,\n"


def run(capsysbinary, *argv):
    code = main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


@pytest.fixture
def files(personas, tmp_path, capsysbinary):
    stored, probe = tmp_path / "stored.csv", tmp_path / "probe.csv"
    stored.write_text(HEADER + STORED, encoding="utf-8")
    probe.write_text(HEADER + PROBE, encoding="utf-8")
    code, _out, err = run(capsysbinary, "import", str(stored), "--quiet")  # the operator: no --by
    assert code == 0, err
    return stored, probe


def test_a_named_user_gets_their_scope_and_no_stored_values(files, personas, capsysbinary):
    _stored, probe = files
    code, out, err = run(capsysbinary, "import", str(probe), "--dry-run", "--quiet", "--by", "outsider_manager")
    assert code == 1 and out == b""
    assert "probe.csv, rad 2, kolumn case_id: ärendet K1 ligger utanför dina enheter" in err
    assert not any(value in err for value in ("B1", "2015-03-01", "'barn'", "UA"))
    record = AccessRecord.objects.get(username="outsider_manager", action="import")
    assert record.channel == AccessRecord.Channel.CLI
    assert CaseEvent.objects.count() == 1


def test_the_unnamed_operator_sees_what_differs(files, capsysbinary):
    _stored, probe = files
    code, _out, err = run(capsysbinary, "import", str(probe), "--dry-run", "--quiet")
    assert code == 1 and "finns redan med barn-id 'B1'" in err
    assert AccessRecord.objects.filter(username="(kommandorad)", action="import", object_ids=["K1"]).exists()


def test_a_named_user_without_the_capability_or_unknown_is_refused(files, capsysbinary):
    _stored, probe = files
    code, _out, err = run(capsysbinary, "import", str(probe), "--by", "sysadmin")
    assert code == 2 and "får inte importera ärendehändelser" in err
    code, _out, err = run(capsysbinary, "import", str(probe), "--by", "nobody")
    assert code == 2 and "användaren 'nobody' finns inte" in err
    assert Case.objects.get().child.child_id == "B1"


def test_the_named_manager_of_the_unit_imports(files, capsysbinary):
    stored, _probe = files
    later = stored.parent / "later.csv"
    later.write_text(HEADER + "K1,,,,,first_contact,2026-06-10,,,,,\n", encoding="utf-8")
    code, _out, err = run(capsysbinary, "import", str(later), "--quiet", "--by", "unit_manager")
    assert code == 0, err
    assert CaseEvent.objects.count() == 2
    assert AccessRecord.objects.get(username="unit_manager", action="import").object_ids == ["K1"]
