"""Locust users for ``bench/load_bench.py``: logged-in demo users of mixed roles against ``stabil serve``.

Each simulated person logs in once with the demo password (the real log-in form, CSRF and Argon2) and
then, with 1-3 s of think time, opens the pages of their role. ``/healthz`` (no database, no template)
is requested as often as any page: the baseline of the same server under the same load.

Environment: ``STABIL_LOAD_CASES`` names a file of case ids (one a line) of the unit the users belong to,
for the case page and the allocation suggestions; ``STABIL_LOAD_UNIT`` the unit's code. Only ever run by
``load_bench.py`` against 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = os.environ.get("STABIL_LOAD_PASSWORD", "")
UNIT = os.environ.get("STABIL_LOAD_UNIT", "BU-UTR")
_path = os.environ.get("STABIL_LOAD_CASES", "")
CASE_IDS = [line.strip() for line in Path(_path).read_text(encoding="utf-8").splitlines() if line.strip()] if _path else []
UNASSIGNED = [c for c in os.environ.get("STABIL_LOAD_UNASSIGNED", "").split(",") if c]


class _Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""
    sees_unit = False  # may open any case of the unit (a unit manager); others open what their lists show

    def on_start(self) -> None:
        page = self.client.get("/logga-in/", name="log-in page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.client.post("/logga-in/", name="log-in", allow_redirects=False, data={
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": self.username, "password": PASSWORD,
        }, headers={"Referer": self.host + "/logga-in/"})
        if response.status_code != 302:
            raise RuntimeError(f"log-in of {self.username} answered {response.status_code}")

    @task(2)
    def baseline(self) -> None:
        self.client.get("/healthz", name="trivial page (/healthz)")

    seen: tuple[str, ...] = ()  # case ids the person's own lists linked to (a caseworker sees only her own)

    def listed(self, response) -> None:
        """Remember the case pages a list links to (the cases this person may open)."""
        found = re.findall(r'/arenden/arende/([^/"]+)/', response.text)
        if found:
            self.seen = tuple(found[:200])

    def case_page(self) -> None:
        ids = self.seen or (CASE_IDS if self.sees_unit else [])
        if ids:
            self.client.get(f"/arenden/arende/{random.choice(ids)}/", name="case page")


class UnitManager(_Person):
    """Enhetschef: the deadline list, the workload board, allocation and the egenkontroll."""

    username = "enhetschef"
    sees_unit = True
    weight = 2

    @task(3)
    def deadline_list(self) -> None:
        self.client.get(f"/arenden/?unit={UNIT}", name="deadline list, one unit")

    @task(2)
    def board(self) -> None:
        self.client.get(f"/arbetsbelastning/?enhet={UNIT}", name="workload board")

    @task(1)
    def allocation_queue(self) -> None:
        self.client.get("/arbetsbelastning/fordela/", name="allocation queue")

    @task(1)
    def allocation(self) -> None:
        if UNASSIGNED:
            self.client.get(f"/arbetsbelastning/fordela/{random.choice(UNASSIGNED)}/", name="allocation suggestions")

    @task(1)
    def egenkontroll(self) -> None:
        self.client.get("/arenden/egenkontroll/", name="egenkontroll page")

    @task(1)
    def case(self) -> None:
        self.case_page()


class TeamLead(_Person):
    """Arbetsledare: the deadline list of the team's cases and the board."""

    username = "arbetsledare"
    weight = 1

    @task(3)
    def deadline_list(self) -> None:
        self.listed(self.client.get("/arenden/", name="deadline list, team lead"))

    @task(1)
    def board(self) -> None:
        self.client.get("/arbetsbelastning/", name="workload board")

    @task(1)
    def case(self) -> None:
        self.case_page()


class Caseworker(_Person):
    """Socialsekreterare: her own cases and their pages."""

    username = "handlaggare"
    weight = 3

    @task(3)
    def my_cases(self) -> None:
        self.listed(self.client.get("/arenden/mina/", name="case list (Mina ärenden)"))

    @task(2)
    def case(self) -> None:
        self.case_page()
