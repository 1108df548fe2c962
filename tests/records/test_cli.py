"""`stabil records` (issue 15): the log extract and the monthly log follow-up from the command line.

The same access policy as the pages (``--by``), the same rows, and every run is itself in the access log.
"""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from stabil.audit.models import AccessRecord
from stabil.audit.services import record_access
from stabil.cli import main
from stabil.records.models import LogReview
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _last_seq() -> int:
    return AccessRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _run(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _reads(world):
    """Three reads through the pages: two of BX-1's cases (units A and B), one of BX-2's."""
    client_for(world.caseworker).get("/arenden/arende/CA-1/")
    client_for(world.outsider).get("/arenden/arende/CB-1/")
    client_for(world.other_team_caseworker).get("/arenden/arende/CA-2/")
    return (list(AccessRecord.objects.filter(what__in=["Ärendesida CA-1", "Ärendesida CB-1"], object_type="cases.case")
                 .order_by("seq").values_list("seq", flat=True)))


def test_the_dpo_extract_from_the_command_line_lists_exactly_the_web_extracts_rows(world, capsys):
    made = _reads(world)
    assert len(made) == 2
    code, out, err = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "dpo")
    assert code == 0, err
    data = json.loads(out)
    assert (data["kind"], data["subject_id"], data["whole_log"]) == ("child", "BX-1", True)
    assert [row["seq"] for row in data["rows"]] == made  # no more, no fewer
    first = data["rows"][0]
    assert (first["user"], first["channel"], first["action"], first["objects"], first["ip_address"]) == (
        "caseworker", "webb", "visade", ["CA-1"], "127.0.0.1")
    assert "CA-2" not in out and "BX-2" not in out
    # Making the extract is itself logged, by the command line in the DPO's name, with the ids it shows.
    own = AccessRecord.objects.filter(username="dpo", what="Loggutdrag BX-1").order_by("seq")
    assert [r.channel for r in own] == ["cli"] * own.count() and own.count() >= 1
    assert {"CA-1", "CB-1"} <= {i for r in own for i in r.object_ids}
    # ... and the web extract made next lists that command-line run too.
    web = client_for(world.dpo).get("/registervard/loggutdrag/barn/BX-1/").context["extract"]
    assert [row.seq for row in web.rows if row.username == "dpo"] == [r.seq for r in own]


def test_the_unit_managers_extract_is_narrower_and_an_outside_child_is_like_an_unknown_one(world, capsys):
    made = _reads(world)
    code, out, _ = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "unit_manager")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert made[0] in [row["seq"] for row in rows] and made[1] not in [row["seq"] for row in rows]
    assert "CB-1" not in out and "SB-1" not in out and "outsider" not in out  # unit B's
    # The same rows as the page shows the unit manager (but the extract just made, which the page lists).
    web = client_for(world.unit_manager).get("/registervard/loggutdrag/barn/BX-1/").context["extract"]
    assert [row["seq"] for row in rows] == [row.seq for row in web.rows if not row.what.startswith("Loggutdrag")]
    foreign = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "outsider_manager")
    assert foreign[0] == 0  # BX-1 has CB-1 in unit B
    code_b, _, err_b = _run(capsys, "records", "extract", "--child", "BX-2", "--by", "outsider_manager")
    code_u, _, err_u = _run(capsys, "records", "extract", "--child", "BX-0", "--by", "outsider_manager")
    assert code_b == code_u == 2
    assert err_b.replace("BX-2", "X") == err_u.replace("BX-0", "X") and "Traceback" not in err_b


def test_extract_permissions_on_the_command_line(world, capsys):
    _reads(world)
    before = _last_seq()
    for user in ("caseworker", "hr", "archivist", "sysadmin", "board"):
        code, out, err = _run(capsys, "records", "extract", "--child", "BX-1", "--by", user)
        assert code == 2 and out == "" and "behörighet" in err and "CA-1" not in err, user
    assert _last_seq() == before  # nothing shown, nothing logged
    code, _, err = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "nobody")
    assert code == 2 and "finns inte" in err
    code, _, err = _run(capsys, "records", "extract", "--child", "x y", "--by", "dpo")
    assert code == 2 and "--child" in err
    # The server operator (no --by): the whole log, as the data-protection officer, logged as the command line.
    code, out, _ = _run(capsys, "records", "extract", "--child", "BX-1")
    assert code == 0 and json.loads(out)["whole_log"] and {"CA-1", "CB-1"} <= {
        i for row in json.loads(out)["rows"] for i in row["objects"]}
    assert AccessRecord.objects.filter(username="(kommandorad)", what="Loggutdrag BX-1").exists()


def test_the_staff_extract_and_csv_and_pdf(world, capsys, tmp_path):
    client_for(world.unit_manager).get("/personal/medarbetare/SA-1/")
    made = list(AccessRecord.objects.filter(object_ids__icontains="SA-1", object_type="staff.staffmember").order_by("seq").values_list("seq", flat=True))
    assert made
    code, out, _ = _run(capsys, "records", "extract", "--staff", "SA-1", "--by", "dpo")
    assert code == 0 and [row["seq"] for row in json.loads(out)["rows"]] == made
    code, out, _ = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "dpo", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "seq,time,user,role,channel,ip_address,action,what,objects"
    target = tmp_path / "utdrag.pdf"
    code, _, err = _run(capsys, "records", "extract", "--child", "BX-1", "--by", "dpo", "--format", "pdf",
                        "--output", str(target))
    assert code == 0 and "Skrev" in err
    text = "".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "BX-1" in text and "dpo" in text
    assert AccessRecord.objects.filter(username="dpo", action="export", what="Loggutdrag (PDF) BX-1").exists()


def test_the_follow_up_from_the_command_line(world, capsys, settings):
    settings.STABIL_LOG_REVIEW_SAMPLE = 0
    with time_machine.travel(dt.datetime(2026, 5, 13, 10, 0, tzinfo=STOCKHOLM), tick=False):
        client_for(world.department_head).get("/arenden/arende/CA-1/")
        # Another unit's case (a read the page would refuse today, e.g. before the case moved to unit B).
        record_access(by=world.caseworker, action="view", what="Ärendesida CB-1", objects=["CB-1"],
                      object_type="cases.case")
    outside = list(AccessRecord.objects.filter(username="caseworker", what="Ärendesida CB-1",
                                               object_type="cases.case").values_list("seq", flat=True))
    with time_machine.travel(dt.datetime(2026, 6, 2, 9, 0, tzinfo=STOCKHOLM), tick=False):
        # A follow-up is a person's: no --by, or a role without the follow-up, is refused.
        code, _, err = _run(capsys, "records", "review", "start", "2026-05")
        assert code == 2 and "--by" in err
        code, _, err = _run(capsys, "records", "review", "start", "2026-05", "--by", "unit_manager")
        assert code == 2 and "behörighet" in err
        code, _, err = _run(capsys, "records", "review", "start", "2026-06", "--by", "dpo")
        assert code == 2 and "inte slut" in err
        code, _, err = _run(capsys, "records", "review", "start", "maj", "--by", "dpo")
        assert code == 2 and "ÅÅÅÅ-MM" in err
        code, out, _ = _run(capsys, "records", "review", "start", "2026-05", "--by", "dpo")
        assert code == 0
        review = json.loads(out)
        assert review["month"] == "2026-05" and review["signed_at"] is None
        entries = {e["record_seq"]: e for e in review["entries"]}
        for seq in outside:
            assert entries[seq]["reasons"] == ["outside_home"] and entries[seq]["user"] == "caseworker"
            assert entries[seq]["objects"] == ["CB-1"]
        # Showing the entries shows access records: logged, with the ids they name.
        shown = AccessRecord.objects.filter(username="dpo", what="Logguppföljning 2026-05", channel="cli")
        assert "CB-1" in {i for r in shown for i in r.object_ids}
        code, _, err = _run(capsys, "records", "review", "sign", str(review["id"]), "--by", "dpo")
        assert code == 2 and "inte granskade" in err
        for entry in review["entries"]:
            code, _, err = _run(capsys, "records", "review", "mark", str(review["id"]), str(entry["id"]),
                                "--comment", "", "--by", "dpo")
            assert code == 2 and "kommentar" in err
            code, _, _ = _run(capsys, "records", "review", "mark", str(review["id"]), str(entry["id"]),
                              "--comment", "Kontrollerat med chefen", "--follow-up", "Samtal", "--by", "dpo")
            assert code == 0
        code, out, _ = _run(capsys, "records", "review", "sign", str(review["id"]), "--by", "dpo")
        assert code == 0 and json.loads(out)["signed_by"] == "dpo"
        code, _, err = _run(capsys, "records", "review", "mark", str(review["id"]), str(review["entries"][0]["id"]),
                            "--comment", "igen", "--by", "dpo")
        assert code == 2 and "signerad" in err
        code, out, _ = _run(capsys, "records", "review", "list", "--by", "dpo")
        assert code == 0
        [summary] = json.loads(out)
        assert summary["month"] == "2026-05" and summary["reviewed"] == summary["entries"] == len(review["entries"])
        assert summary["follow_ups"] == len(review["entries"]) and summary["by_reason"]["outside_home"] >= 1
        assert summary["signed_by"] == "dpo"
        code, _, err = _run(capsys, "records", "review", "show", "999", "--by", "dpo")
        assert code == 2 and "999" in err
        code, _, err = _run(capsys, "records", "review", "list", "--by", "caseworker")
        assert code == 2 and "behörighet" in err
    assert LogReview.objects.get(month=dt.date(2026, 5, 1)).signed_by_name == "dpo"
