import pytest
from django.db import DatabaseError, connection, transaction

from stabil.audit.models import AccessRecord, ImmutableRecordError
from stabil.audit.services import record_access

pytestmark = pytest.mark.django_db


def test_record_access_keeps_who_what_and_ids(personas):
    record = record_access(by=personas.unit_manager, action="view", what="Ärendesida", objects=["C-1", "C-2"],
                           object_type="cases.case")
    assert (record.username, record.role, record.object_ids, record.object_count) == (
        "unit_manager", "unit_manager", ["C-1", "C-2"], 2)
    assert record.channel == "cli"


def test_records_cannot_be_changed_or_deleted_through_the_model(personas):
    record = record_access(by=personas.unit_manager, action="view", what="Ärendesida")
    record.what = "något annat"
    with pytest.raises(ImmutableRecordError):
        record.save()
    with pytest.raises(ImmutableRecordError):
        record.delete()
    with pytest.raises(ImmutableRecordError):
        AccessRecord(what="utan kedja").save()
    with pytest.raises(ImmutableRecordError):
        AccessRecord.objects.bulk_create([AccessRecord(what="utan kedja")])


def test_database_refuses_raw_update(personas):
    record_access(by=personas.unit_manager, action="view", what="Ärendesida")
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_accessrecord SET what = 'x'")
    assert AccessRecord.objects.filter(what="Ärendesida").count() == 1


def test_raw_delete_and_bulk_delete_are_refused_everywhere(personas):
    # Issue 11 (finding 7): SQLite now refuses a raw DELETE too (it used to be left to the model).
    record_access(by=personas.unit_manager, action="view", what="Ärendesida")
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accessrecord")
    with pytest.raises(ImmutableRecordError):
        AccessRecord.objects.all().delete()
    with pytest.raises(ImmutableRecordError):
        AccessRecord.objects.filter(what="Ärendesida").update(what="x")
    assert AccessRecord.objects.filter(what="Ärendesida").count() == 1


def test_audit_search_page_permissions(view_permissions):
    view_permissions("/granskning/", allowed={"sysadmin"})


def test_audit_search_filters_and_logs_itself(personas):
    from tests.conftest import client_for

    record_access(by=personas.unit_manager, action="view", what="Ärendesida", objects=["C-77"])
    record_access(by=personas.caseworker, action="export", what="Fristlista", objects=["C-78"])
    response = client_for(personas.sysadmin).get("/granskning/", {"object_id": "C-77"})
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [r.object_ids for r in rows] == [["C-77"]]
    assert AccessRecord.objects.filter(username="sysadmin", what="Granskningslogg").exists()


def test_an_import_is_recorded_with_its_row_count_and_no_fake_ids(personas):
    record = record_access(by=personas.unit_manager, action="import", what="Import av personal: p.csv", count=5000)
    assert (record.object_count, record.object_ids) == (5000, [])


def test_audit_search_shows_roles_and_actions_in_words_not_codes(personas):
    """Issue 13: the log showed "unit_manager" and "change"; the change log "update"."""
    from tests.conftest import client_for

    record_access(by=personas.unit_manager, action="change", what="Ny medarbetare", objects=["P-1"])
    personas.unit_manager.first_name = "Ändrad"
    personas.unit_manager.save()  # a change-log entry (django-auditlog)
    client = client_for(personas.sysadmin)
    body = client.get("/granskning/", {"username": personas.unit_manager.username}).content.decode()
    assert "<td>unit_manager</td><td>Enhetschef</td><td>ändrade</td>" in body  # user name, role, action
    assert "<td>unit_manager</td><td>unit_manager</td>" not in body
    assert ">change<" not in body and ">update<" not in body
    assert client.get("/granskning/", {"action": "change"}).status_code == 200
    assert [r.what for r in client.get("/granskning/", {"action": "change"}).context["page"]] == ["Ny medarbetare"]


def test_every_change_logged_model_names_its_objects():
    """Issue 13: the change log showed "FollowUp object (9)": every model it records says what the object is."""
    from auditlog.registry import auditlog
    from django.db import models

    nameless = [m._meta.label for m in auditlog.get_models() if m.__str__ is models.Model.__str__]
    assert nameless == []
