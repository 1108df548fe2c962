"""Demo governance: a Helsingborg-style scorecard, Uppsala's nine measures, risks and self-inspection.

Scorecard: seed 002 ("Mål och mätetal (3 år)") — perspectives Invånare, Organisation, Ekonomi,
Omvärld; targets per year over three years (e.g. contacted within 7 working days 100 %, units
with sick leave below 5 % 75/77/80 %, HME 74/75/76, NKI 75). Action plan: seed 000, Uppsala's
9-point programme with its costs (5 MSEK in all), dated in the demo's year. Risks and checks:
what the Västerås auditors asked for (seed 001, SOSFS 2011:9; Arbetsmiljöverket's workload
risk assessment).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from stabil.core.calendar import add_months

from . import services
from .models import Risk, SelfInspectionCheck, Status

# Uppsala's 9-point programme (seed 000): title, how, expected result, (month, day), cost in SEK.
UPPSALA_MEASURES = [
    ("Ökad grundbemanning på utrednings- och placeringsenheterna",
     "Tillsvidareanställa sex (6) socialsekreterare med erfarenhet.",
     "Ökad trygghet i klientarbetet med en bättre kapacitet samt bättre arbetsmiljö.", (6, 15), 1_500_000),
    ("Förstärkt bemanning under juni–augusti",
     "Anställa åtta (8) vikarier som jobbar 8 veckor var under sommaren.",
     "Ökad trygghet i klientarbetet med en bättre kapacitet samt bättre arbetsmiljö.", (6, 1), 500_000),
    ("Trainee", "Anställa tio (10) trainees.",
     "Förbättrad personalförsörjning med en bättre kompetens i ett längre perspektiv.", (9, 1), 400_000),
    ("Utökat chefsstöd",
     "Handledning och utbildning till de befintliga cheferna samt uppstart av ett aspirantprogram för nya chefer.",
     "Ökad trygghet i chefsrollen samt bättre chefsförsörjning.", (9, 1), 500_000),
    ("Förstärkt specialisthandläggning", "Anställa ytterligare tre (3) specialisthandläggare.",
     "Ökad spetskompetens i basarbetet och bättre stöd till chef och socialsekreterare.", (9, 1), 700_000),
    ("Utvecklingsledare", "Anställa en (1) utvecklingsledare.",
     "Minskade vårdkostnader i ett längre perspektiv, ökad rättssäkerhet och mer stöd till basverksamheten.",
     (9, 1), 200_000),
    ("Utbildning",
     "Utbilda socialsekreterare, specialisthandläggare och enhetschefer i Signs of Safety.",
     "Ökad kvalitet i basarbetet och ökad kompetens för alla medarbetare.", (9, 1), 500_000),
    ("Kultur och värdegrund",
     "Genomföra socialarbetardagen, enhetsövergripande handläggarträffar och utbildning gällande genus "
     "betydelse i socialt arbete.",
     "Höjd kompetens och att kommunen upplevs som en god arbetsgivare.", (5, 1), 500_000),
    ("Förstärkt administrativt stöd", "Anställa en (1) administratör.",
     "Höjd kvalitet i individutskottsarbetet och ökat stöd till chefer och handläggare samt en bättre "
     "arbetsmiljö för alla administratörer.", (9, 1), 200_000),
]


# The measures whose hires the demo's staff register shows from their due day (staff/demo.py): the trainees (3)
# and the specialists (5).
HIRED_BY_THE_DEMO = (3, 5)


def build(ctx) -> None:
    by = ctx.users.get("avdelningschef")
    year = ctx.today.year
    board = services.board_get_or_create(by=by, code="SN", name="Socialnämnden")
    ctx.data["governance_board"] = board

    # --- scorecard: first plan year last year, so two years have outcomes and a trend -----------
    first_year = year - 1
    card = services.scorecard_create(by=by, board=board, first_year=first_year,
                                     title="Nämndstyrkort", registration_number=f"SN-{first_year - 1}-0412")
    y = [first_year, first_year + 1, first_year + 2]

    invanare = services.perspective_add(by=by, scorecard=card, name="Invånare", order=1)
    barn = services.goal_add(by=by, perspective=invanare, text="Förbättra levnadsvillkoren för utsatta barn och unga",
                             strategy="Arbeta proaktivt, strukturellt och individuellt, i gränsöverskridande samarbete.",
                             order=1)
    garanti = services.goal_add(by=by, perspective=invanare, text="Utfästelsen kring nämndens tjänstegarantier ska hållas",
                                strategy="Arbeta utifrån definierade och tydliga tjänsteprocesser.", order=2)
    rattssakerhet = services.goal_add(by=by, perspective=invanare, text="Lagstadgade tider hålls", order=3)
    organisation = services.perspective_add(by=by, scorecard=card, name="Organisation", order=2)
    arbetsgivare = services.goal_add(by=by, perspective=organisation, text="Vara en attraktiv arbetsgivare",
                                     strategy="Stabil bemanning med rätt kompetens; karriärvägar för erfarna.", order=1)
    ekonomi = services.perspective_add(by=by, scorecard=card, name="Ekonomi", order=3)
    kostnad = services.goal_add(by=by, perspective=ekonomi, text="Ha kostnadseffektiva lösningar", order=1)
    omvarld = services.perspective_add(by=by, scorecard=card, name="Omvärld", order=4)
    delaktighet = services.goal_add(by=by, perspective=omvarld, text="Öka invånarnas delaktighet och medskapande",
                                    order=1)

    def targets(*values):
        return dict(zip(y, values, strict=True))

    nki = services.kpi_add(by=by, goal=barn, name="Klienternas helhetsintryck (Nöjd Kund Index, NKI)", unit="index",
                           targets=targets(75, 75, 75), order=1)
    fullfoljer = services.kpi_add(by=by, goal=barn, name="Andel klienter inom Barn, unga och familj som fullföljer sin insats",
                                  unit="percent", targets=targets(68, 69, 70), order=2)
    services.kpi_add(by=by, goal=garanti, name="Andel berörda kontaktade inom 7 arbetsdagar efter beslut om "
                               "att inleda utredning (tjänstegaranti)", computed="first_contact_within_guarantee",
                               targets=targets(100, 100, 100), order=1)
    prelim = services.kpi_add(by=by, goal=rattssakerhet, name="Andel förhandsbedömningar inom 14 dagar",
                              computed="preliminary_assessment_within_14_days", targets=targets(100, 100, 100), order=1)
    invest = services.kpi_add(by=by, goal=rattssakerhet, name="Andel utredningar klara inom 4 månader",
                              computed="investigation_within_4_months", targets=targets(95, 100, 100), order=2)
    review = services.kpi_add(by=by, goal=rattssakerhet, name="Andel placeringar övervägda i tid",
                              computed="placement_review_on_time", targets=targets(100, 100, 100), order=3)
    hme = services.kpi_add(by=by, goal=arbetsgivare, name="Hållbart medarbetarengagemang (HME)", unit="index",
                           targets=targets(74, 75, 76), order=1)
    sick = services.kpi_add(by=by, goal=arbetsgivare, name="Andel enheter med sjukfrånvaro lägre än fem procent",
                            computed="units_sick_leave_below_5_percent", targets=targets(75, 77, 80), order=2)
    turnover = services.kpi_add(by=by, goal=arbetsgivare, name="Personalomsättning bland socialsekreterare",
                                computed="staff_turnover_rate", targets=targets(15, 12, 10), order=3)
    competence = services.kpi_add(by=by, goal=arbetsgivare, name="Andel socionomer med minst tre års erfarenhet",
                                  computed="caseworkers_socionom_3_years", targets=targets(70, 72, 75), order=4)
    load = services.kpi_add(by=by, goal=arbetsgivare, name="Andel handläggare över 100 % belastning",
                            computed="caseworkers_above_full_load", targets=targets(20, 10, 5), order=5)
    services.kpi_add(by=by, goal=kostnad, name="Andel inhyrda konsulter", computed="consultant_share",
                                   targets=targets(25, 15, 10), order=1)
    consultant_cost = services.kpi_add(by=by, goal=kostnad, name="Kostnad för inhyrda konsulter (kr)",
                                       computed="consultant_cost_sek",
                                       targets=targets(6_000_000, 4_000_000, 2_000_000), order=2)
    innovation = services.kpi_add(by=by, goal=delaktighet, name="Andel invånare i innovationsgrupper/utvecklingsprojekt",
                                  unit="percent", targets=targets(41, 42, 43), order=1)
    rng = ctx.rng
    for entered, base in ((nki, 73), (fullfoljer, 66), (hme, 72), (innovation, 40)):
        services.kpi_entry_set(by=by, kpi=entered, year=first_year, value=base + rng.randint(-1, 2),
                               note="Årets mätning")
        services.kpi_entry_set(by=by, kpi=entered, year=first_year + 1, value=base + rng.randint(0, 3),
                               note="Delårsmätning")

    # --- risks (SOSFS 2011:9, AFS 2015:4 workload) ----------------------------------------------
    units = ctx.units
    utr = units.get("BU-UTR")
    risks = {
        "workload": services.risk_create(
            by=by, board=board, title="Hög arbetsbelastning i utredningsenheten leder till ohälsa och avgångar",
            description="Arbetsmiljöverket har krävt en riskbedömning av arbetsbelastningen och en handlingsplan för "
                        "det som inte kan åtgärdas omedelbart.",
            likelihood=4, consequence=4, owner="Enhetschef utredning", review_on=_date(year, ctx.today.month, 28),
            source=Risk.Source.WORKLOAD, org_unit=utr),
        "deadlines": services.risk_create(
            by=by, board=board, title="Förhandsbedömningar och utredningar blir inte klara inom lagstadgad tid",
            description="IVO har förelagt nämnden vid vite att hålla 14 dagar och fyra månader.",
            likelihood=3, consequence=4, owner="Avdelningschef barn och unga", review_on=_date(year, 12, 15),
            source=Risk.Source.QUALITY),
        "consultants": services.risk_create(
            by=by, board=board, title="Beroende av inhyrda konsulter som inte får fatta beslut",
            description="En konsult kostar ungefär dubbelt så mycket som en tillsvidareanställd.",
            likelihood=3, consequence=3, owner="Avdelningschef barn och unga", review_on=_date(year, 11, 30)),
        "turnover": services.risk_create(
            by=by, board=board, title="Erfarna socialsekreterare slutar (ond cirkel)",
            description="Kompetens och kontinuitet för barnen går förlorad när personal slutar.",
            likelihood=3, consequence=4, owner="HR-chef", review_on=_date(year, 10, 31),
            source=Risk.Source.WORK_ENVIRONMENT),
        "summer": services.risk_create(
            by=by, board=board, title="Otillräcklig bemanning under semesterperioden", likelihood=2, consequence=3,
            owner="Enhetschef mottagning", review_on=_date(year, 4, 30)),
        "new_managers": services.risk_create(
            by=by, board=board, title="Nya chefer utan stöd lämnar sina uppdrag", likelihood=2, consequence=2,
            owner="Socialdirektör", review_on=_date(year, 9, 30)),
    }

    # --- Uppsala's action plan (5 MSEK) ---------------------------------------------------------
    plan = services.plan_create(
        by=by, board=board, registration_number=f"SN-{year}-0081", decided_on=_date(year, 4, 7), budget_sek=5_000_000,
        title="Handlingsplan för stärkt kvalitet i myndighetsutövningen inom barn och unga",
        purpose="Säkerställa personal med lämplig utbildning och erfarenhet, och att lagstadgade tider hålls.",
    )
    links = {
        1: ([arbetsgivare, rattssakerhet], [invest, prelim, load], ["workload", "deadlines"]),
        2: ([rattssakerhet], [prelim], ["summer"]),
        3: ([arbetsgivare], [competence, turnover], ["turnover"]),
        4: ([arbetsgivare], [hme], ["new_managers"]),
        5: ([arbetsgivare], [competence], ["turnover", "consultants"]),
        6: ([kostnad], [consultant_cost], []),
        7: ([barn], [review], ["deadlines"]),
        8: ([arbetsgivare], [hme, sick], ["turnover"]),
        9: ([arbetsgivare], [load], ["workload"]),
    }
    for number, (title, how, result, (month, day), cost) in enumerate(UPPSALA_MEASURES, start=1):
        due_on = _date(year, month, day)
        if due_on < ctx.today:
            status = Status.DONE if rng.random() < 0.7 else Status.DELAYED
        else:
            status = Status.IN_PROGRESS if rng.random() < 0.6 else Status.PLANNED
        if number in HIRED_BY_THE_DEMO and due_on <= ctx.today:
            # The staff register shows these hires (staff/demo.py, ACTION_PLAN_*): the plan says they were done.
            status = Status.DONE
        goals, kpis, risk_keys = links[number]
        measure = services.measure_add(
            by=by, plan=plan, number=number, title=title, how=how, expected_result=result, due_on=due_on,
            cost_sek=cost, responsible="Avdelningschef barn och unga" if number in (1, 2, 3, 5) else "Socialdirektör",
            status=Status.PLANNED, goals=goals, kpis=kpis, risks=[risks[k] for k in risk_keys])
        if status != Status.PLANNED:
            note = {
                Status.DONE: "Genomförd enligt plan.",
                Status.DELAYED: "Försenad: rekryteringen tar längre tid än planerat.",
                Status.IN_PROGRESS: "Arbetet har påbörjats.",
            }[status]
            services.follow_up_record(by=by, measure=measure, on=min(ctx.today, max(due_on, _date(year, 1, 15))),
                                      status=status, note=note)

    # --- self-inspection plan -------------------------------------------------------------------
    checks = [
        ("Egenkontroll av frister (förhandsbedömning, utredning, första kontakt, överväganden)",
         "Stabils egenkontrollrapport per enhet; avvikelser följs upp ärende för ärende.",
         SelfInspectionCheck.Kind.DEADLINES, "monthly", "Enhetschef"),
        ("Journalgranskning av avslutade utredningar", "Tio slumpvis valda utredningar per kvartal granskas mot "
         "checklista.", SelfInspectionCheck.Kind.MANUAL, "quarterly", "Kvalitetsutvecklare"),
        ("Vård- och genomförandeplaner för placerade barn", "Kontroll att plan finns för varje placering.",
         SelfInspectionCheck.Kind.MANUAL, "half_yearly", "Enhetschef placering"),
        ("Sammanställning av avgångsintervjuer", "Avgångsorsaker sammanställs och analyseras.",
         SelfInspectionCheck.Kind.MANUAL, "yearly", "HR-chef"),
    ]
    # Each check was last performed within its period, so the plan shows what is due next; only the yearly
    # summary of exit interviews is late (its last one was more than a year ago): one story, not all overdue.
    months_ago = {"quarterly": 2, "half_yearly": 4, "yearly": 13}
    for name, method, kind, frequency, responsible in checks:
        check = services.check_create(by=by, board=board, name=name, method=method, kind=kind, frequency=frequency,
                                      responsible=responsible, first_due_on=_date(year, 1, 31))
        performed_on = (ctx.today - timedelta(days=5) if frequency == "monthly"
                        else add_months(ctx.today, -months_ago[frequency]))
        # The half-yearly and yearly checks draw nothing from the shared generator, so the steps after this one
        # build the same demo as before they had results.
        deviations = rng.randint(0, 6) if frequency in ("monthly", "quarterly") else 0
        services.check_result_record(
            by=by, check=check, performed_on=performed_on, passed=deviations == 0, deviations=deviations,
            summary="Inga avvikelser." if deviations == 0 else f"{deviations} avvikelser; åtgärder planerade.")
    # Take the scorecard's KPI snapshots now, as an editor would, so the first view of the scorecard is quick.
    services.scorecard_snapshots_take(by=by, scorecard=card, today=ctx.today)
    ctx.progress("styrkort, handlingsplan (9 åtgärder, 5 mnkr), riskregister och egenkontroller klara")


def _date(year: int, month: int, day: int) -> date:
    """Return the date, or the month's last day when it has no such day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
