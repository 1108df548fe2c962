"""The case-complexity file: markers only for cases of the uploader's units (issue 11, finding 2)."""

import pytest

from stabil.audit.models import AccessRecord
from stabil.imports.framework import ImportFileError, run_import
from stabil.workload.models import CaseComplexity

pytestmark = pytest.mark.django_db

HEADER = "case_id,several_children,interpreter_needed\n"


def write(tmp_path, text, name="komplexitet.csv"):
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_finding_2_a_manager_of_another_unit_cannot_set_markers_and_learns_no_case_ids(unit_data, personas,
                                                                                        tmp_path):
    # C1 and C2 are cases of unit UA; NOPE does not exist. The manager of unit UB gets the same answer for all.
    outcome = run_import(write(tmp_path, "C1,ja,ja\nC2,ja,nej\nNOPE,ja,ja\n"), by=personas.outsider_manager,
                         quiet=True)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "case_id"), (3, "case_id"), (4, "case_id")]
    messages = [e.message.replace(case_id, "X") for e, case_id in zip(outcome.errors, ["C1", "C2", "NOPE"])]
    assert messages == ["ärendet X ligger utanför dina enheter eller finns inte"] * 3
    assert not CaseComplexity.objects.exists()


def test_the_manager_of_the_cases_unit_sets_markers_and_the_read_is_logged(unit_data, personas, tmp_path):
    outcome = run_import(write(tmp_path, "C1,ja,nej\nC2,nej,nej\n"), by=personas.unit_manager, quiet=True)
    assert outcome.ok, outcome.error_lines()
    assert CaseComplexity.objects.get(case__case_id="C1").several_children is True
    record = AccessRecord.objects.get(username="unit_manager", action="import")
    assert (sorted(record.object_ids), record.object_count) == (["C1", "C2"], 2)


def test_a_dry_run_is_checked_the_same_way_and_logged(unit_data, personas, tmp_path):
    outcome = run_import(write(tmp_path, "C1,ja,ja\n"), by=personas.outsider_manager, quiet=True, dry_run=True)
    assert not outcome.ok and "utanför dina enheter" in outcome.error_lines()[0]
    assert AccessRecord.objects.filter(username="outsider_manager", action="import").exists()
    outcome = run_import(write(tmp_path, "C1,ja,ja\n", name="b.csv"), by=personas.unit_manager, quiet=True,
                         dry_run=True)
    assert outcome.ok and not CaseComplexity.objects.exists()
    assert AccessRecord.objects.get(username="unit_manager", action="import").object_ids == ["C1"]


def test_the_operator_without_a_user_imports_for_every_unit(unit_data, tmp_path):
    outcome = run_import(write(tmp_path, "C1,ja,ja\nNOPE,ja,ja\n"), quiet=True)
    assert [e.message for e in outcome.errors] == ["ärendet NOPE finns inte"]


def test_roles_without_the_capability_are_refused(unit_data, personas, tmp_path):
    for user in (personas.sysadmin, personas.hr, personas.caseworker):
        with pytest.raises(ImportFileError, match="får inte importera ärendekomplexitet"):
            run_import(write(tmp_path, "C1,ja,ja\n"), by=user, quiet=True)
    assert not CaseComplexity.objects.exists()


def test_the_row_messages_are_translated(unit_data, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        outcome = run_import(write(tmp_path, "NOPE,ja,ja\nC1,kanske,nej\n"), quiet=True)
    assert [e.message for e in outcome.errors] == ["the case NOPE does not exist", "'kanske' must be yes or no"]
