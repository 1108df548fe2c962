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
import time
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
    count = 0  # people started so far (their addresses)
    sees_unit = False  # may open any case of the unit (a unit manager); others open what their lists show

    def on_start(self) -> None:
        # Each person from an address of her own (the server trusts one proxy, as behind TLS): the log-in
        # throttling of issue 11 counts per address, and 50 people do not share one.
        _Person.count += 1
        self.client.headers["X-Forwarded-For"] = f"198.51.100.{_Person.count % 250 + 1}"
        # While the server checks other passwords it answers "busy" (429, or the form again with a notice:
        # issue 11's bounded password checks): wait and retry, as a person would.
        for _attempt in range(20):
            page = self.client.get("/logga-in/", name="log-in page")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            with self.client.post("/logga-in/", name="log-in", allow_redirects=False, catch_response=True, data={
                "csrfmiddlewaretoken": token.group(1) if token else "", "username": self.username,
                "password": PASSWORD,
            }, headers={"Referer": self.host + "/logga-in/"}) as response:
                if response.status_code == 302:
                    return
                if response.status_code in (200, 429):
                    response.success()  # busy, not failed (log-in is not one of the pages measured)
                    time.sleep(random.uniform(1, 3))
                    continue
                response.failure(f"log-in answered {response.status_code}")
                break
        raise RuntimeError(f"log-in of {self.username} did not succeed")

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
