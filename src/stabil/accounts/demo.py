"""Demo users, one per role (see ``stabil.demo.generator.DEMO_USERS``)."""

from stabil.demo.generator import DEMO_PASSWORD

from .models import Role
from .services import user_create

USERS = [
    # username, role, units, team, first name, last name
    ("handlaggare", Role.CASEWORKER, ["BU-UTR"], "UTR-A", "Sara", "Lind"),
    ("arbetsledare", Role.TEAM_LEAD, ["BU-UTR"], "UTR-A", "Johan", "Ek"),
    ("enhetschef", Role.UNIT_MANAGER, ["BU-UTR"], None, "Maria", "Berg"),
    ("avdelningschef", Role.DEPARTMENT_HEAD, ["BU-UTR"], None, "Anders", "Holm"),
    ("hr", Role.HR, [], None, "Lena", "Strand"),
    ("namnd", Role.BOARD_MEMBER, [], None, "Per", "Nämndsson"),
    ("admin", Role.SYSADMIN, [], None, "Eva", "Admin"),
    ("enhetschef.vux", Role.UNIT_MANAGER, ["VUX-MB"], None, "Karin", "Vik"),
    ("dataskydd", Role.DPO, [], None, "Omid", "Dataskydd"),
    ("arkiv", Role.ARCHIVIST, [], None, "Tove", "Arkiv"),
]


def build(ctx) -> None:
    for username, role, units, team, first, last in USERS:
        ctx.users[username] = user_create(
            by=None, username=username, role=role, password=DEMO_PASSWORD, unit_codes=units, team_code=team,
            first_name=first, last_name=last, email=f"{username}@demo.stabil.invalid", validate=False,
        )
