"""The demo municipality: a fictional municipality of realistic size and shape, calibrated on the seeds.

``build`` runs each area's ``demo.build(ctx)`` in ``STEPS`` order inside one transaction and marks the
municipality as built, so running it again changes nothing. The same seed gives the same municipality:
every step draws its randomness from ``ctx.rng`` (and numpy generators seeded from it), never from the clock.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from importlib.util import find_spec
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from stabil.organisation.selectors import demo_is_built

STEPS = [
    "stabil.organisation.demo",
    "stabil.accounts.demo",
    "stabil.staff.demo",
    "stabil.cases.demo",
    "stabil.workload.demo",
    "stabil.governance.demo",
    "stabil.simulation.demo",
    "stabil.audit.demo",
    "stabil.records.demo",
]

# What each step builds, as the progress line says it (issue 13: the build's progress text is Swedish).
STEP_NAMES = {
    "stabil.organisation.demo": "organisationen",
    "stabil.accounts.demo": "användarna",
    "stabil.staff.demo": "personalen",
    "stabil.cases.demo": "ärendena",
    "stabil.workload.demo": "arbetsbelastningen",
    "stabil.governance.demo": "styrningen",
    "stabil.simulation.demo": "simuleringarna",
    "stabil.audit.demo": "åtkomstloggen",
    "stabil.records.demo": "registervården",
}

DEMO_PASSWORD = "Demo-stabil-2026"

# (username, role label, scope): printed by `stabil demo`; created by stabil.accounts.demo.
DEMO_USERS = [
    ("handlaggare", "Socialsekreterare", "Utredning barn (BU-UTR), team UTR-A"),
    ("arbetsledare", "Arbetsledare", "Utredning barn (BU-UTR), team UTR-A"),
    ("enhetschef", "Enhetschef", "Utredning barn (BU-UTR)"),
    ("avdelningschef", "Avdelningschef", "avdelningen Barn och unga (BU)"),
    ("hr", "HR", "hela förvaltningen"),
    ("namnd", "Nämndledamot", "sammanställningar, skyddade små tal"),
    ("admin", "Systemadministratör", "användare, organisation, granskningslogg"),
    ("enhetschef.vux", "Enhetschef", "Missbruk vuxna (VUX-MB): ser inga barnärenden"),
    ("dataskydd", "Dataskyddsombud", "loggutdrag och logguppföljning, hela kommunen"),
    ("arkiv", "Arkivansvarig", "gallringslistor: föreslå, godkänna, genomföra"),
]


@dataclass
class DemoContext:
    seed: int
    today: date
    rng: random.Random
    stream: TextIO
    units: dict[str, Any] = field(default_factory=dict)
    teams: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # what a step leaves for later steps

    def progress(self, message: str) -> None:
        self.stream.write(f"demo: {message}\n")
        self.stream.flush()


def is_built() -> bool:
    return demo_is_built()


def build(*, seed: int = 2026, today: date | None = None, stream: TextIO | None = None) -> bool:
    """Build the demo municipality unless it exists; return whether it was built now."""
    if is_built():
        return False
    ctx = DemoContext(seed=seed, today=today or timezone.localdate(), rng=random.Random(seed),
                      stream=stream if stream is not None else sys.stderr)
    with transaction.atomic():
        for module_name in STEPS:
            if find_spec(module_name) is None:
                continue
            ctx.progress(f"bygger {STEP_NAMES[module_name]} …")
            import_module(module_name).build(ctx)
        municipality = ctx.data["municipality"]
        municipality.demo_seed = seed
        municipality.demo_built_at = timezone.now()
        municipality.save()
    return True
