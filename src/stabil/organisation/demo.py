"""Demo organisation: one social services administration with a children-and-youth department shaped like
the seeds' (reception, investigation of children and of youth, placement/foster care, unaccompanied
minors) and an adult unit whose manager sees none of the children's cases."""

from .models import Administration, Department, Municipality, Team, Unit

DEPARTMENTS = {
    "BU": ("Barn och unga", {
        "BU-MOT": ("Mottagning barn och unga", {"MOT-1": "Mottagningsteamet"}),
        "BU-UTR": ("Utredning barn", {"UTR-A": "Utredningsteam A", "UTR-B": "Utredningsteam B"}),
        "BU-UNG": ("Utredning ungdom", {"UNG-1": "Ungdomsteamet"}),
        "BU-PLA": ("Placering och familjehem", {"PLA-FH": "Familjehemsteamet", "PLA-UPF": "Uppföljningsteamet"}),
        "BU-EKB": ("Ensamkommande barn", {"EKB-1": "Ensamkommandeteamet"}),
    }),
    "VUX": ("Vuxen", {
        "VUX-MB": ("Missbruk vuxna", {"MB-1": "Missbruksteamet"}),
    }),
}


def build(ctx) -> None:
    municipality = Municipality.objects.create(name="Stabilstads kommun (demo)")
    administration = Administration.objects.create(
        municipality=municipality, code="SOC", name="Socialförvaltningen, individ- och familjeomsorg"
    )
    for dep_code, (dep_name, units) in DEPARTMENTS.items():
        department = Department.objects.create(administration=administration, code=dep_code, name=dep_name)
        for unit_code, (unit_name, teams) in units.items():
            unit = Unit.objects.create(department=department, code=unit_code, name=unit_name)
            ctx.units[unit_code] = unit
            for team_code, team_name in teams.items():
                ctx.teams[team_code] = Team.objects.create(unit=unit, code=team_code, name=team_name)
    ctx.data["municipality"] = municipality
