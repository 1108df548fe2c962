"""Governance pages: who may see and change what; the board sees public figures only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.conftest import client_for

VIEWERS = {"team_lead", "unit_manager", "department_head", "hr", "board", "outsider_manager"}
EDITORS = {"unit_manager", "department_head", "outsider_manager"}


@pytest.fixture
def urls(governance_data):
    d = governance_data
    return {
        "index": reverse("governance:index"),
        "scorecard": reverse("governance:scorecard", args=[d["card"].pk]),
        "plan": reverse("governance:plan", args=[d["plan"].pk]),
        "risks": reverse("governance:risks"),
        "self_inspection": reverse("governance:self_inspection"),
        "statistics": reverse("governance:statistics") + "?years=2025-2026&months=1-8",
        "board_report": reverse("governance:board_report") + "?period=2026-01..2026-06",
        "kpi_edit": reverse("governance:kpi_edit", args=[d["entered"].pk]),
        "measure_edit": reverse("governance:measure_edit", args=[d["measure"].pk]),
        "follow_up_add": reverse("governance:follow_up_add", args=[d["measure"].pk]),
        "risk_create": reverse("governance:risk_create"),
        "risk_edit": reverse("governance:risk_edit", args=[d["risk"].pk]),
        "check_result_add": reverse("governance:check_result_add", args=[d["check"].pk]),
    }


@pytest.mark.parametrize("name", ["index", "scorecard", "plan", "risks", "self_inspection", "statistics",
                                  "board_report"])
def test_reading_pages(urls, view_permissions, name):
    view_permissions(urls[name], allowed=VIEWERS)


@pytest.mark.parametrize("name", ["kpi_edit", "measure_edit", "follow_up_add", "risk_create", "risk_edit",
                                  "check_result_add"])
def test_editing_pages(urls, view_permissions, name):
    view_permissions(urls[name], allowed=EDITORS)


def test_refresh_and_archive_need_edit(governance_data, view_permissions):
    view_permissions(reverse("governance:scorecard_refresh", args=[governance_data["card"].pk]), allowed=EDITORS,
                     method="post")


def test_viewing_the_scorecard_stores_no_snapshot_and_recounting_stores_them(governance_data, personas, urls):
    # Issue 12: a page view is a read. The editor's "Räkna om och spara mätetalen" takes the snapshots.
    from stabil.governance.models import KpiSnapshot

    editor = client_for(personas.unit_manager)
    assert editor.get(urls["scorecard"]).status_code == 200
    assert not KpiSnapshot.objects.exists()
    response = editor.post(reverse("governance:scorecard_refresh", args=[governance_data["card"].pk]))
    assert response.status_code == 302
    years = {s.first_day.year for s in KpiSnapshot.objects.filter(code="preliminary_assessment_within_14_days")}
    assert years and years <= {2025, 2026, 2027}
    assert editor.get(urls["scorecard"]).status_code == 200


def test_caseworker_cannot_edit_the_scorecard(urls, personas, governance_data):
    kpi = governance_data["entered"]
    response = client_for(personas.caseworker).post(urls["kpi_edit"], {"target_2025": "90", "value_2025": "99"})
    assert response.status_code == 403
    kpi.refresh_from_db()
    assert float(kpi.entries.get(year=2025).value) == 70.0
    assert float(kpi.targets.get(year=2025).target) == 75.0


def test_board_can_read_but_not_edit_the_scorecard(urls, personas):
    client = client_for(personas.board)
    assert client.get(urls["scorecard"]).status_code == 200
    assert client.post(urls["kpi_edit"], {"target_2025": "90"}).status_code == 403


def test_unit_manager_edits_targets_and_entries_and_history_names_them(urls, personas, governance_data):
    from auditlog.models import LogEntry

    kpi = governance_data["entered"]
    client = client_for(personas.unit_manager)
    response = client.post(urls["kpi_edit"], {"target_2025": "76", "target_2026": "77", "target_2027": "",
                                              "value_2025": "71,5", "value_2026": ""})
    assert response.status_code == 302
    assert float(kpi.targets.get(year=2025).target) == 76.0
    assert float(kpi.targets.get(year=2026).target) == 77.0
    assert float(kpi.targets.get(year=2027).target) == 75.0  # blank leaves the target as it was
    assert float(kpi.entries.get(year=2025).value) == 71.5
    entry = LogEntry.objects.get_for_object(kpi.targets.get(year=2025)).first()
    assert entry.actor == personas.unit_manager
    page = client.get(urls["kpi_edit"]).content.decode()
    assert "Ändringshistorik" in page


def test_kpi_form_errors_name_the_field(urls, personas):
    response = client_for(personas.unit_manager).post(urls["kpi_edit"], {"target_2025": "mycket"})
    assert response.status_code == 200
    assert "Målvärde 2025" in response.content.decode()


def test_scorecard_shows_value_target_status_and_table(urls, personas, governance_data, add_case, org):
    # One preliminary assessment due in 2025 and decided in time; one decided late.
    add_case(org.unit_a, "barn", [("report_received", dt.date(2025, 3, 3)),
                                  ("preliminary_decided", dt.date(2025, 3, 10), "", "no_investigation")])
    add_case(org.unit_a, "barn", [("report_received", dt.date(2025, 3, 3)),
                                  ("preliminary_decided", dt.date(2025, 4, 30), "", "no_investigation")])
    # Central HR sees every unit's exact figures: 1 of 2 in time, target 100 % -> not met.
    page = client_for(personas.hr).get(urls["scorecard"]).content.decode()
    assert "Förhandsbedömningar inom 14 dagar" in page
    assert "50\xa0%" in page and "Ej uppfyllt" in page
    assert "<svg" in page and "<table" in page
    # The board (and a manager who does not see every unit) get the public figure: 1 of 2 is small.
    for persona in (personas.board, personas.unit_manager):
        public = client_for(persona).get(urls["scorecard"]).content.decode()
        assert "50\xa0%" not in public and ">..<" in public


def test_board_sees_small_counts_suppressed_and_manager_exact(personas, add_case, org):
    for _ in range(3):
        add_case(org.unit_a, "ensamkommande", [("report_received", dt.date(2026, 2, 1)),
                                               ("investigation_opened", dt.date(2026, 2, 3))])
    for _ in range(12):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 1)),
                                      ("investigation_opened", dt.date(2026, 2, 3))])
    url = reverse("governance:statistics") + "?years=2025-2026&months=1-8"
    board_page = client_for(personas.board).get(url).content.decode()
    assert "&lt;5" in board_page and ">3<" not in board_page and ">15<" not in board_page
    manager_url = url + "&unit=UA"
    manager_page = client_for(personas.unit_manager).get(manager_url).content.decode()
    assert ">3<" in manager_page and ">15<" in manager_page and "Exakta tal" in manager_page
    # The manager's view of the whole organisation includes unit B: public figures.
    whole = client_for(personas.unit_manager).get(url).content.decode()
    assert "&lt;5" in whole
    # Public users get no per-unit tables (a unit's public table beside the whole's gives a hidden cell
    # by difference): the board cannot pick a unit.
    board_unit = client_for(personas.board).get(manager_url).content.decode()
    assert 'value="UA"' not in board_unit and ">3<" not in board_unit


def test_statistics_form_errors_in_swedish(personas):
    url = reverse("governance:statistics") + "?years=2015-2012&months=1-13"
    page = client_for(personas.board).get(url).content.decode()
    assert "Ogiltiga år" in page and "Ogiltiga månader" in page


def _download(client, url, capture):
    """Follow a board-paper request: a job with a progress page, then the job's private download."""
    from stabil.jobs.models import Job

    with capture(execute=True):  # the job is queued when the request's transaction commits
        started = client.get(url)
    job = Job.objects.filter(kind="board_paper").latest("pk")
    assert started.status_code == 302 and started["Location"] == f"/jobb/{job.pk}/"
    assert job.status == "done", job.error
    assert f"/jobb/{job.pk}/fil/" in client.get(started["Location"]).content.decode()
    return client.get(f"/jobb/{job.pk}/fil/"), job


def test_board_report_downloads_pdf_and_xlsx(urls, personas, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client = client_for(personas.board)
    pdf, job = _download(client, urls["board_report"] + "&format=pdf", django_capture_on_commit_callbacks)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client_for(personas.department_head).get(f"/jobb/{job.pk}/fil/").status_code == 404  # private
    anonymous = client_for(None).get(f"/jobb/{job.pk}/fil/")
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    xlsx, _ = _download(client, urls["board_report"] + "&format=xlsx", django_capture_on_commit_callbacks)
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"


def test_risk_create_edit_and_archive(urls, personas, governance_data):
    from stabil.governance.models import Risk

    client = client_for(personas.department_head)
    response = client.post(urls["risk_create"], {"title": "Sommarbemanning", "description": "", "source": "quality",
                                                 "likelihood": "2", "consequence": "3", "owner": "Enhetschef",
                                                 "review_on": "2026-05-31", "org_unit": ""})
    assert response.status_code == 302
    risk = Risk.objects.get(title="Sommarbemanning")
    assert risk.score == 6 and risk.level == "medium"
    bad = client.post(urls["risk_create"], {"title": "X", "likelihood": "7", "consequence": "3", "owner": "E",
                                            "review_on": "2026-05-31", "source": "quality"})
    assert bad.status_code == 200 and "Sannolikhet" in bad.content.decode()
    client.post(reverse("governance:risk_archive", args=[risk.pk]))
    risk.refresh_from_db()
    assert risk.archived_at is not None
    assert Risk.objects.filter(pk=risk.pk).exists()  # archived, never deleted
    assert "Sommarbemanning" not in client.get(urls["risks"]).content.decode()


def test_follow_up_moves_the_measure_status(urls, personas, governance_data):
    measure = governance_data["measure"]
    response = client_for(personas.unit_manager).post(
        urls["follow_up_add"], {"on": "2026-05-01", "status": "in_progress", "note": "Två av sex anställda."})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "in_progress"
    follow_up = measure.follow_ups.get()
    assert follow_up.by == personas.unit_manager
    page = client_for(personas.board).get(urls["plan"]).content.decode()
    assert "Två av sex anställda." in page and "1\xa0500\xa0000" in page


def test_check_result_is_recorded_with_date_and_who(urls, personas, governance_data):
    response = client_for(personas.unit_manager).post(
        urls["check_result_add"], {"performed_on": "2026-03-20", "passed": "", "deviations": "2",
                                   "summary": "Två utredningar saknade barnets berättelse."})
    assert response.status_code == 302
    result = governance_data["check"].results.get()
    assert result.by == personas.unit_manager and result.deviations == 2 and not result.passed
    page = client_for(personas.board).get(urls["self_inspection"]).content.decode()
    assert "2026-03-20" in page and "2026-06-20" in page  # quarterly: next due three months later


def test_risk_register_shows_the_workload_risk_assessment(urls, personas, org):
    from stabil.workload.models import RiskMeasure

    RiskMeasure.objects.create(unit=org.unit_a, risk="Fyra handläggare över 100 %", measure="Omfördela ärenden",
                               responsible="Enhetschef", due_on=dt.date(2026, 5, 1))
    page = client_for(personas.board).get(urls["risks"]).content.decode()
    assert "Fyra handläggare över 100 %" in page and "Omfördela ärenden" in page


def test_threshold_setting_applies_to_pages(personas, add_case, org, settings):
    settings.STABIL_SUPPRESSION_THRESHOLD = 9
    for _ in range(7):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 1)),
                                      ("investigation_opened", dt.date(2026, 2, 3))])
    page = client_for(personas.board).get(reverse("governance:statistics") + "?years=2026&months=1-8")
    assert "&lt;10" in page.content.decode()


@pytest.mark.parametrize("name", ["scorecard_create", "goal_create", "kpi_create", "plan_create", "measure_create",
                                  "check_create"])
def test_creation_pages(governance_data, view_permissions, name):
    args = {"goal_create": [governance_data["card"].pk], "kpi_create": [governance_data["card"].pk],
            "measure_create": [governance_data["plan"].pk]}.get(name, [])
    view_permissions(reverse(f"governance:{name}", args=args), allowed=EDITORS)


def test_manager_builds_a_scorecard_from_scratch(personas, governance_data):
    from stabil.governance.models import Kpi, Scorecard

    client = client_for(personas.unit_manager)
    board = governance_data["board"]
    response = client.post(reverse("governance:scorecard_create"), {
        "board": board.pk, "first_year": "2028", "title": "Styrkort 2028", "registration_number": "SN-2027-1",
        "perspectives": "Invånare, Medarbetare"})
    card = Scorecard.objects.get(first_year=2028)
    assert response.status_code == 302 and [p.name for p in card.perspectives.all()] == ["Invånare", "Medarbetare"]
    again = client.post(reverse("governance:scorecard_create"), {
        "board": board.pk, "first_year": "2028", "title": "Dubblett", "perspectives": "A"})
    assert again.status_code == 200 and "redan" in again.content.decode()
    assert Scorecard.objects.filter(first_year=2028).count() == 1
    perspective = card.perspectives.get(name="Medarbetare")
    client.post(reverse("governance:goal_create", args=[card.pk]),
                {"perspective": perspective.pk, "text": "Vara en attraktiv arbetsgivare", "strategy": ""})
    goal = perspective.goals.get()
    response = client.post(reverse("governance:kpi_create", args=[card.pk]), {
        "goal": goal.pk, "name": "Personalomsättning", "computed": "staff_turnover_rate", "unit": "index",
        "direction": "higher", "org_unit": ""})
    kpi = Kpi.objects.get(name="Personalomsättning")
    assert response.status_code == 302
    assert (kpi.unit, kpi.direction) == ("percent", "lower")  # taken from the registry's definition
    page = client.get(reverse("governance:kpi_edit", args=[kpi.pk])).content.decode()
    assert "Definition" in page and "genomsnittliga antalet anställda" in page


def test_manager_adds_a_plan_measure_and_check(personas, governance_data):
    from stabil.governance.models import ActionPlan, SelfInspectionCheck

    client = client_for(personas.unit_manager)
    board = governance_data["board"]
    client.post(reverse("governance:plan_create"), {"board": board.pk, "title": "Ny plan", "budget_sek": "2000000",
                                                    "registration_number": "", "decided_on": "2026-04-07",
                                                    "purpose": ""})
    plan = ActionPlan.objects.get(title="Ny plan")
    assert float(plan.budget_sek) == 2_000_000
    response = client.post(reverse("governance:measure_create", args=[plan.pk]), {
        "title": "Trainee", "how": "Tio trainees", "expected_result": "Bättre försörjning", "due_on": "2026-09-01",
        "cost_sek": "400000", "responsible": "Avdelningschef", "status": "planned",
        "risks": [governance_data["risk"].pk]})
    assert response.status_code == 302
    measure = plan.measures.get()
    assert measure.number == 1 and list(measure.risks.all()) == [governance_data["risk"]]
    client.post(reverse("governance:check_create"), {"board": board.pk, "name": "Vårdplaner", "method": "",
                                                     "kind": "manual", "frequency": "half_yearly",
                                                     "responsible": "Enhetschef", "first_due_on": "2026-06-30"})
    assert SelfInspectionCheck.objects.filter(name="Vårdplaner", frequency="half_yearly").exists()


def test_scorecard_chart_coordinates_are_plain_numbers(urls, personas, governance_data):
    """SVG needs "337.2", not the Swedish "337,2" the template would print for a float."""
    import re

    from stabil.governance import services

    percent = services.kpi_add(by=personas.unit_manager, goal=governance_data["goal"], name="Andel",
                               unit="percent", targets={2025: 84.3, 2026: 90, 2027: 95})
    services.kpi_entry_set(by=personas.unit_manager, kpi=percent, year=2025, value=71.5)
    services.kpi_entry_set(by=personas.unit_manager, kpi=percent, year=2026, value=71.5)
    page = client_for(personas.board).get(urls["scorecard"]).content.decode()
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert 'width="286.0"' in svg
    assert not re.search(r'(width|x1|x2)="[0-9]+,[0-9]', svg)


def test_deadline_check_shows_last_months_figures(personas, governance_data, add_case, org):
    import time_machine

    from stabil.governance import services

    services.check_create(by=personas.unit_manager, board=governance_data["board"], name="Frister",
                          frequency="monthly", responsible="Enhetschef", first_due_on=dt.date(2026, 3, 31),
                          kind="deadlines")
    for decided in (dt.date(2026, 2, 5), dt.date(2026, 3, 1)):  # due 2026-02-16: one in time, one late
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 2)),
                                      ("preliminary_decided", decided, "", "no_investigation")])
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        exact = client_for(personas.hr).get(reverse("governance:self_inspection")).content.decode()
        public = client_for(personas.board).get(reverse("governance:self_inspection")).content.decode()
        manager = client_for(personas.unit_manager).get(reverse("governance:self_inspection")).content.decode()
    # The month is named as every period is (common.periods), the share shown as on the scorecard.
    assert "Frister som förföll 2026, februari:" in exact and "Förhandsbedömningar inom 14 dagar 50\xa0%" in exact
    assert "Förhandsbedömningar inom 14 dagar .." in public
    assert reverse("cases:egenkontroll") in manager and reverse("cases:egenkontroll") not in public


def test_risk_archive_permissions(personas, governance_data):
    from django.test import Client

    risk = governance_data["risk"]
    url = reverse("governance:risk_archive", args=[risk.pk])
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]
    for name in ("caseworker", "outsider", "board", "team_lead", "hr", "sysadmin"):
        assert client_for(personas[name]).post(url).status_code == 403, name
    risk.refresh_from_db()
    assert risk.archived_at is None
    assert client_for(personas.unit_manager).get(url).status_code == 405  # POST only
    assert client_for(personas.unit_manager).post(url).status_code == 302
    risk.refresh_from_db()
    assert risk.archived_at is not None


def test_kpi_period_page(personas, view_permissions, add_case, org):
    url = reverse("governance:kpis") + "?first_day=2026-01-01&last_day=2026-06-30"
    view_permissions(url, allowed=VIEWERS)
    for decided in (dt.date(2026, 2, 5), dt.date(2026, 3, 1)):
        add_case(org.unit_a, "barn", [("report_received", dt.date(2026, 2, 2)),
                                      ("preliminary_decided", decided, "", "no_investigation")])
    exact = client_for(personas.unit_manager).get(url + "&unit=UA").content.decode()
    assert "Förhandsbedömningar inom 14 dagar" in exact and "50\xa0%" in exact and "föll ut" in exact
    public = client_for(personas.board).get(url).content.decode()
    assert "50\xa0%" not in public and ">..<" in public
    bad = client_for(personas.board).get(reverse("governance:kpis") + "?first_day=2026-06-30&last_day=2026-01-01")
    assert "Till-datum måste vara" in bad.content.decode()


def test_public_board_report_states_its_suppression_threshold(urls, personas):
    body = client_for(personas.board).get(urls["board_report"]).content.decode()
    assert "antal 1–4 visas som &lt;5" in body


def test_risk_register_page_title_is_only_the_title(urls, personas):
    import re

    body = client_for(personas.unit_manager).get(urls["risks"]).content.decode()
    assert re.search(r"<title>\s*Riskregister · Stabil</title>", body)
    assert body.index("Från riskbedömningen av arbetsbelastningen") > body.index("<main")


def test_edit_pages_show_history_written_without_a_user(urls, personas, governance_data):
    # A change made by the command line or the demo has no acting user: the history names nobody
    # ("–") rather than failing the page.
    from auditlog.models import LogEntry

    risk = governance_data["risk"]
    LogEntry.objects.log_create(risk, action=LogEntry.Action.UPDATE, changes={"title": ["A", "B"]}, force_log=True)
    assert LogEntry.objects.get_for_object(risk).filter(actor__isnull=True).exists()
    response = client_for(personas.department_head).get(urls["risk_edit"])
    assert response.status_code == 200
    assert "–" in response.content.decode()


@pytest.mark.django_db
def test_a_risk_or_kpi_of_another_unit_is_not_changed_by_an_editor_of_other_units(personas, governance_data):
    # Issue 11 (outside probe): any unit manager could save another unit's KPI and archive its risk. A
    # governance row tied to a unit is changed only by editors who see that unit; rows of the whole
    # organisation (no unit) by every editor.
    from stabil.governance import services
    from stabil.governance.models import Risk

    org = personas.org
    risk = services.risk_create(by=personas.unit_manager, board=governance_data["board"], title="Enhet A:s risk",
                                likelihood=2, consequence=2, owner="Enhetschef A", review_on=dt.date(2026, 9, 1),
                                org_unit=org.unit_a)
    kpi = governance_data["entered"]
    kpi.org_unit = org.unit_a
    kpi.save()
    outsider = client_for(personas.outsider_manager)
    assert outsider.get(reverse("governance:risk_edit", args=[risk.pk])).status_code == 404
    assert outsider.post(reverse("governance:risk_archive", args=[risk.pk])).status_code == 404
    assert outsider.get(reverse("governance:kpi_edit", args=[kpi.pk])).status_code == 404
    assert outsider.post(reverse("governance:kpi_edit", args=[kpi.pk]), {"target_2025": "1"}).status_code == 404
    risk.refresh_from_db()
    assert risk.archived_at is None and kpi.targets.get(year=2025).target != 1
    with pytest.raises(PermissionDenied):
        services.risk_update(by=personas.outsider_manager, risk=risk, title="Ändrad")
    with pytest.raises(PermissionDenied):  # nor move a risk into a unit one does not see
        services.risk_create(by=personas.outsider_manager, board=governance_data["board"], title="X",
                             likelihood=1, consequence=1, owner="X", review_on=dt.date(2026, 9, 1),
                             org_unit=org.unit_a)
    assert Risk.objects.filter(title="Enhet A:s risk").get().title == "Enhet A:s risk"
    manager = client_for(personas.unit_manager)
    assert manager.get(reverse("governance:risk_edit", args=[risk.pk])).status_code == 200
    assert manager.post(reverse("governance:risk_archive", args=[risk.pk])).status_code == 302
