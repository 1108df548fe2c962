"""The demo's record-keeping (issue 15): last month's log follow-up, signed, and this month's destruction lists.

So that the demo users ``dataskydd`` and ``arkiv`` see something: the data-protection officer's follow-up of
last month (``stabil.audit.demo`` wrote that month's reads) with every selected entry reviewed, one with a
follow-up, and signed; the archivist's proposed destruction lists of today, the list of the unit Utredning
barn (the unit of the demo's unit manager ``enhetschef``) already approved on the archive's side, so that he
has one to approve.
Nothing is removed: running a list is left to the person trying the demo.
"""

from __future__ import annotations

from stabil.core import calendar

from . import services

# The follow-up's comments: what a data-protection officer would write after checking with the manager.
COMMENTS = {
    "outside_home": "Kontrollerat med enhetschefen: läsningen gällde ett ärende som avdelningen samordnar.",
    "off_hours": "Kontrollerat: jourärende, handläggaren arbetade kvällstid enligt schema.",
    "many": "Kontrollerat: antalet stämmer med handläggarens ärendemängd.",
    "protected": "Kontrollerat: handläggaren har ärendet.",
    "random": "Kontrollerat: läsningen hör till användarens ärenden.",
}
FOLLOW_UP = "Påminnelse till avdelningschefen: läs andra enheters ärenden bara vid behov. Ansvarig: enhetschefen."


def build(ctx) -> None:
    dpo, archivist = ctx.users.get("dataskydd"), ctx.users.get("arkiv")
    if dpo is None or archivist is None:
        return
    month = calendar.month_start(ctx.today, -1)
    review = services.review_start(by=dpo, month=month, today=ctx.today, seed=ctx.rng.randrange(2 ** 62))
    followed_up = False
    for entry in review.entries.order_by("record_seq", "username"):
        reason = entry.reasons[0] if entry.reasons else "random"
        follow_up = ""
        if reason == "outside_home" and not followed_up:
            follow_up, followed_up = FOLLOW_UP, True
        services.review_entry_mark(by=dpo, entry=entry, comment=COMMENTS.get(reason, COMMENTS["random"]),
                                   follow_up=follow_up)
    services.review_sign(by=dpo, review=review)
    lists = services.retention_propose(by=archivist, on=ctx.today)
    manager = ctx.users.get("enhetschef")
    managed = set(manager.units.values_list("pk", flat=True)) if manager is not None else set()
    for dlist in lists:
        if dlist.unit_id in managed:
            services.retention_approve(by=archivist, destruction_list=dlist)
    ctx.progress(f"registervård: logguppföljning {month:%Y-%m} signerad ({review.entries.count()} poster), "
                 f"{len(lists)} gallringslistor föreslagna")
