"""Staff pages: permissions per persona, audit records, Excel export, and no sick leave for caseworkers."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from stabil.audit.models import AccessRecord
from stabil.staff.models import Absence, KnowledgeArea, StaffMember
from tests.conftest import client_for

# The outsider manager has the capability for their own unit B: list pages answer, scoped to unit B
# (test_outsider_manager_sees_only_their_unit); a person in unit A is a 404 for them.
STAFF_VIEWERS = {"team_lead", "unit_manager", "department_head", "hr", "outsider_manager"}
ABSENCE_VIEWERS = {"unit_manager", "department_head", "hr", "outsider_manager"}
PAGES = [
    ("/personal/", STAFF_VIEWERS),
    ("/personal/omsattning/", STAFF_VIEWERS),
    ("/personal/sjukfranvaro/", ABSENCE_VIEWERS),
    ("/personal/konsulter/", STAFF_VIEWERS),
    ("/personal/behorighet/", STAFF_VIEWERS),
    ("/personal/kompetens/", STAFF_VIEWERS),
]


@pytest.fixture
def staff(personas):
    org = personas.org
    own = StaffMember.objects.create(staff_id="P-CW", unit=org.unit_a, team=org.team_a1, started_on=date(2020, 1, 1),
                                     experience_years=2, user=personas.caseworker, monthly_cost_sek=40000)
    colleague = StaffMember.objects.create(staff_id="P-COL", unit=org.unit_a, team=org.team_a1,
                                           started_on=date(2021, 1, 1), user=personas.colleague)
    StaffMember.objects.create(staff_id="P-OUT", unit=org.unit_b, started_on=date(2021, 1, 1))
    for member in (own, colleague):
        Absence.objects.create(staff=member, kind="sick", first_day=date.today().replace(day=1),
                               last_day=date.today().replace(day=1))
    KnowledgeArea.objects.create(code="BBIC", name="BBIC och utredningsmetodik")
    return personas


@pytest.mark.parametrize(("url", "allowed"), PAGES, ids=[url for url, _ in PAGES])
def test_page_permissions(staff, view_permissions, url, allowed):
    view_permissions(url, allowed=allowed)


def test_person_page_permissions(staff, view_permissions):
    # The outsider manager's unit is B: the person in unit A is not found for them (404).
    view_permissions("/personal/medarbetare/P-COL/", allowed={"team_lead", "unit_manager", "department_head", "hr"})


def test_outsider_manager_sees_only_their_unit(staff):
    client = client_for(staff.outsider_manager)
    for url, _allowed in PAGES:
        body = client.get(url).content.decode()
        assert "Enhet A" not in body and "P-CW" not in body and "P-COL" not in body, url
    assert "P-OUT" in client.get("/personal/").content.decode()


def test_a_caseworker_sees_no_ones_sick_leave(staff):
    client = client_for(staff.caseworker)
    for url in ("/personal/sjukfranvaro/", "/personal/sjukfranvaro/?format=xlsx", "/personal/medarbetare/P-COL/",
                "/personal/medarbetare/P-CW/", "/personal/"):
        assert client.get(url).status_code == 403, url


def test_team_lead_sees_the_person_but_not_their_sick_leave(staff):
    response = client_for(staff.team_lead).get("/personal/medarbetare/P-COL/")
    assert response.status_code == 200
    assert "Frånvaro (senaste 50)" not in response.content.decode()
    manager = client_for(staff.unit_manager).get("/personal/medarbetare/P-COL/")
    assert "Frånvaro (senaste 50)" in manager.content.decode()


def test_register_scoped_and_audited(staff):
    response = client_for(staff.unit_manager).get("/personal/")
    body = response.content.decode()
    assert "P-CW" in body and "P-COL" in body and "P-OUT" not in body
    record = AccessRecord.objects.filter(what="Personalregister").latest("pk")
    assert record.username == "unit_manager" and set(record.object_ids) == {"P-CW", "P-COL"}
    assert 'href="/personal/medarbetare/P-CW/"' in body
    export = client_for(staff.unit_manager).get("/personal/?format=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content))["register"].iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[3:]) == ["P-COL", "P-CW"]


def test_sick_leave_page_in_seed_shape_and_excel(staff):
    client = client_for(staff.hr)
    body = client.get("/personal/sjukfranvaro/").content.decode()
    for heading in ("Sjukfrånvarodagar och tillfällen", "Sjukfrånvaro i timmar och andel av schemalagd tid",
                    "Övertid och fyllnadstid (timmar)", "1 dag: tillfällen", "91– dgr: dagar"):
        assert heading in body
    # The chart's geometry is never localised (a decimal comma would make the SVG invalid).
    import re

    widths = re.findall(r'<rect x="200" y="\d+" width="([^"]+)"', body)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths), widths
    export = client.get("/personal/sjukfranvaro/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(export.content))
    assert workbook.sheetnames == ["sick_days", "sick_hours", "overtime", "consultant_sick"]
    rows = list(workbook["sick_days"].iter_rows(values_only=True))
    unit_a = next(row for row in rows if row[0] == "Enhet A")
    assert unit_a[1:3] == (2, 2)  # two one-day occasions this month
    assert AccessRecord.objects.filter(action="export", what__startswith="Sjukfrånvaro").exists()


def test_bad_period_is_a_swedish_message(staff):
    body = client_for(staff.hr).get("/personal/omsattning/?fran=2015-03-01&till=2015-01-01").content.decode()
    assert "Slutdatum ligger före startdatum." in body


def test_exit_interview_and_assessment_forms(staff):
    member = StaffMember.objects.get(staff_id="P-COL")
    member.ended_on = date(2024, 6, 30)
    member.save()
    client = client_for(staff.hr)
    response = client.post("/personal/medarbetare/P-COL/", {
        "form": "exit", "held_on": "2024-07-02", "main_reason": "workload", "other_reasons": ["pay"],
        "comment": "För många ärenden", "would_return": "unknown"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.exit_interview.main_reason == "workload" and member.exit_reason == "workload"
    body = client.get("/personal/medarbetare/P-COL/").content.decode()
    assert "Arbetsbelastning (Lön)" in body and "(pay)" not in body  # issue 13: names, not codes
    area = KnowledgeArea.objects.get()
    response = client.post("/personal/medarbetare/P-COL/", {"form": "assessment", "assessed_on": "2024-05-01",
                                                             f"area_{area.pk}": "2"})
    assert response.status_code == 302 and member.assessments.get().level == 2
    # A team lead may see the person but not write.
    denied = client_for(staff.team_lead).post("/personal/medarbetare/P-COL/", {"form": "assessment",
                                                                               "assessed_on": "2024-05-01"})
    assert denied.status_code == 403


def test_eligibility_page_warns_about_cases_with_an_ineligible_main_handler(staff):
    from stabil.cases.models import Case, Child

    org = staff.org
    graduate = StaffMember.objects.create(staff_id="P-NEW", unit=org.unit_a, team=org.team_a1,
                                          started_on=date.today(), experience_years=0)
    child = Child.objects.create(child_id="C-1", birth_date=date(2015, 1, 1))
    Case.objects.create(case_id="A-1", child=child, category="barn", unit=org.unit_a, main_handler=graduate)
    Case.objects.create(case_id="A-2", child=child, category="barn", unit=org.unit_a,
                        main_handler=StaffMember.objects.get(staff_id="P-CW"))
    body = client_for(staff.unit_manager).get("/personal/behorighet/").content.decode()
    assert "Öppna ärenden där huvudhandläggaren inte uppfyller kraven" in body
    assert "A-1" in body and "endast medhandläggare" in body and "A-2" not in body
    # HR sees who is not eligible, but no cases (HR has no case access).
    hr_body = client_for(staff.hr).get("/personal/behorighet/").content.decode()
    assert "P-NEW" in hr_body and "A-1" not in hr_body
    record = AccessRecord.objects.filter(what="Behörighet", username="unit_manager",
                                         object_type="cases.case").latest("pk")
    assert "A-1" in record.object_ids


def test_dated_change_and_development_plan_from_the_person_page(staff):
    org = staff.org
    client = client_for(staff.unit_manager)
    response = client.post("/personal/medarbetare/P-COL/", {
        "form": "change", "valid_from": "2024-03-01", "fte": "0,8", "role": "", "employment": "", "unit": ""})
    assert response.status_code == 302
    member = StaffMember.objects.get(staff_id="P-COL")
    assert float(member.fte) == 0.8 and member.unit == org.unit_a
    assert list(member.changes.values_list("valid_from", "fte")) == [
        (date(2021, 1, 1), Decimal("1.00")), (date(2024, 3, 1), Decimal("0.80"))]
    before_start = client.post("/personal/medarbetare/P-COL/", {"form": "change", "valid_from": "2019-01-01",
                                                                "fte": "0,5"}, follow=True)
    assert "ligger före startdatum 2021-01-01" in before_start.content.decode()
    area = KnowledgeArea.objects.get()
    response = client.post("/personal/medarbetare/P-COL/", {
        "form": "plan", "area": area.pk, "target_level": 3, "activity": "Kurs i samtal med barn",
        "planned_on": "2024-05-01", "due_on": "2025-05-01"})
    assert response.status_code == 302
    assert member.development_plans.get().activity == "Kurs i samtal med barn"
    page = client.get("/personal/medarbetare/P-COL/").content.decode()
    assert "Kurs i samtal med barn" in page and "2024-03-01" in page


def test_staff_pages_show_people_by_name_and_id(staff):
    org = staff.org
    StaffMember.objects.filter(staff_id="P-CW").update(name="Anna Berg")
    StaffMember.objects.filter(staff_id="P-OUT").update(name="Olle Ut")
    StaffMember.objects.create(staff_id="P-NEW", name="Nils Ny", unit=org.unit_a, started_on=date.today(),
                               experience_years=0, degree="none")
    client = client_for(staff.unit_manager)
    register = client.get("/personal/").content.decode()
    assert ">Anna Berg (P-CW)<" in register and "Olle Ut" not in register
    assert "Anna Berg (P-CW)" in client.get("/personal/medarbetare/P-CW/").content.decode()
    eligibility = client.get("/personal/behorighet/").content.decode()
    assert "Nils Ny (P-NEW)" in eligibility
    record = AccessRecord.objects.filter(what="Behörighet", object_type="staff.staffmember").latest("pk")
    assert "P-NEW" in record.object_ids


def test_person_display_and_filter():
    from stabil.web.templatetags.stabil import person

    assert StaffMember(staff_id="M1030", name="Anna Berg").display == "Anna Berg (M1030)"
    assert StaffMember(staff_id="M1030").display == "M1030"
    assert person(StaffMember(staff_id="M1030", name="Anna Berg")) == "Anna Berg (M1030)"
    assert person("M1030", {"M1030": "Anna Berg"}) == "Anna Berg (M1030)"
    assert person("M1031", {"M1030": "Anna Berg"}) == "M1031" and person(None) == ""


def test_register_shows_fte_and_experience_as_people_read_them(staff):
    # Issue 13: "Syss.grad 0,75" and "Erfarenhet 3,20" were read as odd numbers; a manager reads "75 %" and "3,2".
    StaffMember.objects.filter(staff_id="P-COL").update(fte=Decimal("0.75"), experience_years=Decimal("3.2"),
                                                        started_on=date.today())
    body = client_for(staff.unit_manager).get("/personal/").content.decode()
    row = body[body.index('href="/personal/medarbetare/P-COL/"'):]
    row = row[:row.index("</tr>")]
    assert "75\xa0%" in row and "0,75" not in row
    assert ">3,2<" in row and "3,20" not in row
    detail = client_for(staff.unit_manager).get("/personal/medarbetare/P-COL/").content.decode()
    assert "0,75" not in detail and "75\xa0%" in detail
