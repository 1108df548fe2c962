"""Log extracts (loggutdrag, issue 15): exactly the accesses made, for the DPO and for the unit manager."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from stabil.audit.models import AccessRecord
from stabil.audit.services import record_access
from stabil.cli import main
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main"):body.index("</main>")]


def _last_seq() -> int:
    return AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _make_accesses(world):
    """Real reads through the pages and the command line; returns the sequence numbers that concern BX-1's
    cases and those that concern its case in unit A, in the order they were made."""
    concern_bx1, concern_ca1 = [], []

    def seqs_since(before, what_prefix, object_type="cases.case"):
        return list(AccessRecord.objects.filter(seq__gt=before, what__startswith=what_prefix,
                                                object_type=object_type).order_by("seq").values_list("seq", flat=True))

    before = _last_seq()
    assert client_for(world.caseworker).get("/arenden/arende/CA-1/").status_code == 200
    made = seqs_since(before, "Ärendesida CA-1")
    concern_bx1 += made
    concern_ca1 += made
    before = _last_seq()
    assert client_for(world.unit_manager).get("/arenden/").status_code == 200  # lists CA-1 and CA-2
    made = seqs_since(before, "Fristlista")
    concern_bx1 += made
    concern_ca1 += made
    before = _last_seq()
    assert client_for(world.outsider).get("/arenden/arende/CB-1/").status_code == 200  # BX-1's case in unit B
    concern_bx1 += seqs_since(before, "Ärendesida CB-1")
    # Accesses to the other child only.
    assert client_for(world.other_team_caseworker).get("/arenden/arende/CA-2/").status_code == 200
    # The command line: the unit manager's deadline report lists CA-1 and CA-2.
    before = _last_seq()
    assert main(["report", "deadlines", "--by", "unit_manager", "--format", "json"]) == 0
    made = seqs_since(before, "Rapport frister")
    concern_bx1 += made
    concern_ca1 += made
    return concern_bx1, concern_ca1


def test_the_dpo_extract_lists_exactly_the_accesses_to_the_child(world, capsys):
    concern_bx1, _ = _make_accesses(world)
    capsys.readouterr()
    assert len(concern_bx1) == 4
    response = client_for(world.dpo).get("/registervard/loggutdrag/barn/BX-1/")
    assert response.status_code == 200
    rows = response.context["extract"].rows
    assert [row.seq for row in rows] == concern_bx1  # no more, no fewer
    by_seq = {row.seq: row for row in rows}
    first = by_seq[concern_bx1[0]]
    assert (first.username, first.channel, first.action, first.objects) == ("caseworker", "webb", "visade", ("CA-1",))
    assert first.ip_address == "127.0.0.1"
    assert by_seq[concern_bx1[3]].channel == "kommandorad"
    assert by_seq[concern_bx1[2]].objects == ("CB-1",)
    body = response.content.decode()
    assert "CA-2" not in body and "BX-2" not in body


def test_making_the_extract_is_itself_logged_and_found_by_the_next_one(world):
    client = client_for(world.dpo)
    client.get("/registervard/loggutdrag/barn/BX-1/")
    logged = list(AccessRecord.objects.filter(username="dpo", what__startswith="Loggutdrag"))
    assert logged
    assert {"BX-1"} <= {i for r in logged for i in r.object_ids}
    assert all(r.channel == "web" and r.ip_address == "127.0.0.1" for r in logged)
    again = client.get("/registervard/loggutdrag/barn/BX-1/").context["extract"].rows
    assert {row.seq for row in again} == {r.seq for r in logged}


def test_the_unit_manager_sees_only_the_accesses_to_the_childs_cases_in_his_units(world, capsys):
    _, concern_ca1 = _make_accesses(world)
    capsys.readouterr()
    response = client_for(world.unit_manager).get("/registervard/loggutdrag/barn/BX-1/")
    assert response.status_code == 200
    extract = response.context["extract"]
    assert [row.seq for row in extract.rows] == concern_ca1
    assert extract.case_ids == ("CA-1",)
    body = response.content.decode()
    assert "CB-1" not in body and "SB-1" not in body and "outsider" not in body


def test_a_child_outside_the_scope_answers_like_an_unknown_one(world):
    from stabil.cases.models import Case, Child

    only_b = Child.objects.create(child_id="BX-9")
    Case.objects.create(case_id="CB-9", child=only_b, category="barn", unit=world.org.unit_b)
    client = client_for(world.unit_manager)
    foreign = client.get("/registervard/loggutdrag/barn/BX-9/")
    unknown = client.get("/registervard/loggutdrag/barn/BX-0/")
    assert foreign.status_code == unknown.status_code == 404
    assert _main(foreign).replace("BX-9", "X") == _main(unknown).replace("BX-0", "X")
    assert "CB-9" not in foreign.content.decode()
    # The outsider's manager sees BX-9 (unit B) but not the accesses to BX-1's case in unit A.
    assert client_for(world.outsider_manager).get("/registervard/loggutdrag/barn/BX-9/").status_code == 200


def test_the_dpo_extract_still_answers_after_the_childs_cases_are_gone(world):
    record_access(by=world.caseworker, action="view", what="Ärendesida CA-2", objects=["CA-2"],
                  object_type="cases.case")
    from stabil.cases.models import Case, Child

    Case.objects.filter(child__child_id="BX-2").delete()
    Child.objects.filter(child_id="BX-2").delete()
    response = client_for(world.dpo).get("/registervard/loggutdrag/barn/BX-2/")
    assert response.status_code == 200
    assert [row.what for row in response.context["extract"].rows] == ["Ärendesida CA-2"]
    assert "finns inte längre" in response.content.decode()


def test_the_staff_extract_lists_the_accesses_to_a_person_and_masks_other_units_ids(world):
    client_for(world.unit_manager).get("/personal/medarbetare/SA-1/")
    client_for(world.caseworker).get("/arenden/arende/CA-1/")  # shows SA-1 as handler
    record_access(by=world.outsider_manager, action="view", what="Ärendesida CB-1: handläggare",
                  objects=["SA-1"], object_type="staff.staffmember")  # e.g. a co-handled case of unit B
    client_for(world.unit_manager).get("/personal/medarbetare/SA-2/")  # another person
    dpo = client_for(world.dpo).get("/registervard/loggutdrag/personal/SA-1/").context["extract"]
    assert [row.what for row in dpo.rows] == ["Medarbetare", "Ärendesida CA-1: handläggare",
                                              "Ärendesida CB-1: handläggare"]
    response = client_for(world.unit_manager).get("/registervard/loggutdrag/personal/SA-1/")
    whats = [row.what for row in response.context["extract"].rows]
    # The DPO's extract just made read the person's data too.
    assert whats == ["Medarbetare", "Ärendesida CA-1: handläggare", "Ärendesida …: handläggare", "Loggutdrag SA-1"]
    assert "CB-1" not in response.content.decode()
    # The unit manager of unit B may not ask for a person of unit A.
    assert client_for(world.outsider_manager).get("/registervard/loggutdrag/personal/SA-1/").status_code == 404


def test_csv_is_formula_safe_and_pdf_has_the_rows(world):
    record_access(by=world.caseworker, action="view", what="=HYPERLINK(\"x\") CA-1", objects=["CA-1"],
                  object_type="cases.case")
    client = client_for(world.dpo)
    csv_response = client.get("/registervard/loggutdrag/barn/BX-1/?format=csv")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text.replace(";=", "\n=")
    assert "caseworker" in text and "CA-1" in text
    pdf_response = client.get("/registervard/loggutdrag/barn/BX-1/?format=pdf")
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_response.content)).pages)
    assert "BX-1" in pdf_text and "caseworker" in pdf_text
    exports = AccessRecord.objects.filter(username="dpo", action="export")
    assert {r.what for r in exports} >= {"Loggutdrag (CSV) BX-1", "Loggutdrag (PDF) BX-1"}


def test_extract_pages_permissions(world, view_permissions):
    view_permissions("/registervard/loggutdrag/", allowed={"dpo", "unit_manager", "outsider_manager"})
    view_permissions("/registervard/loggutdrag/barn/BX-2/", allowed={"dpo", "unit_manager"})
    view_permissions("/registervard/loggutdrag/personal/SB-1/", allowed={"dpo", "outsider_manager"})


def test_the_start_form_sends_to_the_extract_and_refuses_a_bad_id(world):
    client = client_for(world.dpo)
    response = client.get("/registervard/loggutdrag/", {"kind": "personal", "subject_id": "SA-1"})
    assert response.status_code == 302 and response["Location"] == "/registervard/loggutdrag/personal/SA-1/"
    bad = client.get("/registervard/loggutdrag/", {"kind": "barn", "subject_id": "a b"})
    assert bad.status_code == 400 and "inget giltigt id" in bad.content.decode()
