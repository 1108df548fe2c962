"""Issue 11, finding 4: the Django admin listed every case and staff id of a unit (its delete confirmation
collects related objects) and let the system administrator make itself a department head. Stabil has no
Django admin any more: users and organisation are managed in its own pages (tests/accounts/test_views.py,
tests/organisation/test_views.py)."""

from datetime import date

import pytest
from django.urls import Resolver404, get_resolver, resolve

from stabil.cases.models import Case, Child
from stabil.staff.models import StaffMember
from tests.conftest import client_for


@pytest.fixture
def unit_with_data(personas):
    org = personas.org
    Case.objects.create(case_id="FALL-HEMLIG-1", child=Child.objects.create(child_id="BARN-HEMLIG-1"),
                        category="barn", unit=org.unit_a)
    StaffMember.objects.create(staff_id="PERS-HEMLIG-1", unit=org.unit_a, started_on=date(2020, 1, 1))
    return org.unit_a


def test_sysadmin_cannot_list_a_units_cases_and_staff_through_an_admin_delete_page(personas, unit_with_data):
    client = client_for(personas.sysadmin)
    for url in (f"/admin/organisation/unit/{unit_with_data.pk}/delete/",
                f"/admin/organisation/unit/{unit_with_data.pk}/change/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "FALL-HEMLIG-1" not in body and "PERS-HEMLIG-1" not in body and "BARN-HEMLIG-1" not in body


def test_sysadmin_cannot_make_itself_department_head_through_the_admin(personas):
    admin = personas.sysadmin
    response = client_for(admin).post(f"/admin/accounts/user/{admin.pk}/change/", {
        "username": admin.username, "role": "department_head", "units": [personas.org.unit_a.pk],
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    })
    assert response.status_code == 404
    admin.refresh_from_db()
    assert admin.role == "sysadmin" and not admin.units.exists()


def test_no_url_of_stabil_is_a_django_admin_page():
    with pytest.raises(Resolver404):
        resolve("/admin/")

    def modules(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from modules(pattern.url_patterns)
            else:
                yield getattr(getattr(pattern.callback, "view_class", None) or pattern.callback, "__module__", "")

    assert not [m for m in modules(get_resolver().url_patterns) if m.startswith("django.contrib.admin")]
