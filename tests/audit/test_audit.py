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


@pytest.mark.parametrize("statement", [
    "UPDATE audit_accessrecord SET what = 'x'",
    "DELETE FROM audit_accessrecord",
])
def test_database_refuses_update_and_delete(personas, statement):
    record_access(by=personas.unit_manager, action="view", what="Ärendesida")
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessRecord.objects.filter(what="Ärendesida").count() == 1


def test_queryset_bulk_delete_is_refused(personas):
    record_access(by=personas.unit_manager, action="view", what="Ärendesida")
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            AccessRecord.objects.all().delete()


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
