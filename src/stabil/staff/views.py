"""HR pages: staff register, a person, turnover and exit interviews, sick leave, consultants,
eligibility and competence. Thin: the figures come from ``selectors`` (and ``core``); every page can
export its tables to Excel (``?format=xlsx``); every page writes an access record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stabil.accounts.policy import has_capability, require_capability, scope_cases, scope_staff, visible_units
from stabil.audit.services import record_access
from stabil.cases import selectors as case_selectors
from stabil.common.output import write_xlsx
from stabil.common.periods import period_label
from stabil.core.staffstats import EXIT_INTERVIEW_WINDOW_DAYS, EXIT_REASON_LABELS_SV, SICK_BANDS
from stabil.governance.selectors import default_threshold
from stabil.organisation.selectors import teams_of_units

from . import selectors, services
from .forms import (
    AssessmentForm,
    DevelopmentPlanForm,
    ExitForm,
    ExitInterviewForm,
    PeriodForm,
    SituationChangeForm,
    StaffForm,
)
from .models import Absence, KnowledgeArea, StaffMember
from .tables import DATE, DEC, FTE, INT, PCT, YEARS, Column, Link, PageTable, bar_chart

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET or None, units=visible_units(request.user).order_by("code"))


def _respond(request, template: str, *, title: str, tables: list[PageTable], what: str, objects=(),
             object_type: str = "", **context):
    """Render the page, or its tables as an Excel file when ``?format=xlsx``; log the access either way."""
    exporting = request.GET.get("format") == "xlsx"
    record_access(by=request.user, action="export" if exporting else "view", what=what, objects=objects,
                  object_type=object_type, request=request)
    # Every figure names its period: on the page and in each sheet's title ("2026-01-01–2026-12-06").
    period = period_label(context["first"], context["last"]) if context.get("first") else ""
    if exporting:
        data = write_xlsx([table.as_sheet(period) for table in tables])
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{template.split("/")[-1][:-5]}.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(request, template, {"title": title, "tables": tables, "export_query": query.urlencode(),
                                      "period": period,
                                      "may_see_absence": has_capability(request.user, "staff.view_absence"),
                                      **context})


def _label(reason: str) -> str:
    """An exit reason by name in the reader's language (core's Swedish names are the catalogue's msgids)."""
    return gettext(EXIT_REASON_LABELS_SV[reason]) if reason in EXIT_REASON_LABELS_SV else reason


@require_capability("staff.view")
def register(request):
    """The staff register: who works where, in what role and form, and what they may do today."""
    form = _period_form(request)
    today = timezone.localdate()
    members = scope_staff(request.user, StaffMember.objects.select_related("unit", "team", "mentor"))
    units = form.selected_units()
    members = members.filter(unit__in=units)
    if request.GET.get("alla") != "1":
        members = members.filter(ended_on__isnull=True) | members.filter(ended_on__gte=today)
    table = PageTable("register", _("Personalregister"), [
        Column(_("Medarbetare")), Column(_("Enhet")), Column(_("Team")), Column(_("Roll")),
        Column(_("Anställningsform")), Column(_("Syss.grad"), FTE), Column(_("Examen")),
        Column(_("Erfarenhet idag (år)"), YEARS), Column(_("Start"), DATE), Column(_("Slut"), DATE),
        Column(_("Mentor")), Column(_("Får vara huvudhandläggare")), Column(_("Får fatta beslut")),
    ])
    people = list(members.order_by("unit__code", "staff_id"))
    shown = {member.staff_id for member in people}
    for member in people:
        verdict = selectors.eligibility_for(member, today)
        table.rows.append([
            Link(member.display, reverse("staff:detail", args=[member.staff_id])), member.unit.code, member.team.code if member.team else "", member.get_role_display(),
            member.get_employment_display(), float(member.fte), member.get_degree_display(),
            round(verdict.experience_years, 1), member.started_on, member.ended_on,
            # A mentor's name only when the mentor is on the page (and so in its access record).
            (member.mentor.display if member.mentor.staff_id in shown else member.mentor.staff_id)
            if member.mentor else "",
            str(_("Ja") if verdict.may_be_main_handler else _("Nej")),
            str(_("Ja") if verdict.may_take_decisions else _("Nej")),
        ])
    return _respond(request, "staff/register.html", title=_("Personalregister"), tables=[table],
                    what="Personalregister", objects=[m.staff_id for m in people], form=form,
                    may_register=has_capability(request.user, "staff.edit"))


def _writable_units(user):
    """The open units in which ``user`` registers and moves people (for ``staff.edit``, ``visible_units`` is
    ``policy.staff_write_scope``: a unit manager's units, HR's units or, for central HR, every unit)."""
    return visible_units(user).filter(active=True).order_by("code")


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (what the form has no field for on the form)."""
    form.is_valid()  # add_error needs cleaned_data
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_capability("staff.edit")
def create(request):
    """Register a new staff member (HR; a unit manager in their units), with the staff file's own rules."""
    units = list(_writable_units(request.user))
    form = StaffForm(request.POST or None, units=units, teams=teams_of_units(units))
    if request.method == "POST":
        try:
            member = services.staff_register(by=request.user, values=request.POST, request=request)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(person)s är registrerad.") % {"person": member.display})
            return redirect("staff:detail", staff_id=member.staff_id)
    return render(request, "staff/create.html", {"form": form, "title": _("Ny medarbetare")})


@require_capability("staff.view")
def detail(request, staff_id: str):
    """One person: situation history, eligibility with reasons, competence, exit interview (and absence
    for the roles that may see it). HR and unit managers (``staff.edit``) record a dated change, an exit,
    an assessment and a development plan here; HR also the exit interview."""
    member = scope_staff(request.user, StaffMember.objects.select_related("unit", "team", "mentor")).filter(
        staff_id=staff_id).first()
    if member is None:
        raise Http404
    today = timezone.localdate()
    verdict = selectors.eligibility_for(member, min(today, member.ended_on or today))
    may_edit = has_capability(request.user, "staff.edit")
    posted = request.POST.get("form")

    def bound(name):
        return request.POST if posted == name else None

    units = list(_writable_units(request.user)) if may_edit else []
    may_see_interview = has_capability(request.user, "staff.exit_reasons")
    leave_initial = {"ended_on": member.ended_on.isoformat() if member.ended_on else ""}
    if may_see_interview:
        leave_initial["exit_reason"] = member.exit_reason
    forms = {
        "exit": ExitInterviewForm(bound("exit")),
        "assessment": AssessmentForm(bound("assessment")),
        "change": SituationChangeForm(bound("change"), units=units, teams=teams_of_units(units)),
        "leave": ExitForm(bound("leave"), initial=leave_initial, with_reason=may_see_interview),
        "plan": DevelopmentPlanForm(bound("plan")),
    }
    if request.method == "POST":
        if not may_edit or (posted == "exit" and not may_see_interview):
            return HttpResponse(status=403)
        form = forms.get(posted)
        if form is not None and form.is_valid():
            try:
                _save(request, member, posted, form)
            except services.StaffInputError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied:
                return HttpResponse(status=403)
            else:
                messages.success(request, _("Sparat."))
                return redirect("staff:detail", staff_id=member.staff_id)
        member.refresh_from_db()
    absences = (Absence.objects.filter(staff=member).order_by("-first_day")[:50]
                if has_capability(request.user, "staff.view_absence") else None)
    levels = selectors.latest_levels([member], today)

    competence = [(area, levels.get((member.pk, area.pk))) for area in KnowledgeArea.objects.all()]
    record_access(by=request.user, action="view", what="Medarbetare", objects=[member.staff_id],
                  object_type="staff.staffmember", request=request)
    return render(request, "staff/detail.html", {
        "member": member, "verdict": verdict, "changes": member.changes.select_related("unit", "team"),
        "absences": absences, "competence": competence, "plans": member.development_plans.select_related("area"),
        "interview": getattr(member, "exit_interview", None) if may_see_interview else None, "may_edit": may_edit,
        "may_record_interview": may_edit and may_see_interview,
        "interview_form": forms["exit"], "assessment_form": forms["assessment"], "change_form": forms["change"],
        "leave_form": forms["leave"], "plan_form": forms["plan"],
        "interview_window": selectors.exit_interview_window_of(member),
        "interview_window_days": EXIT_INTERVIEW_WINDOW_DAYS,
    })


def _save(request, member: StaffMember, name: str, form) -> None:
    """Hand a valid person-page form to its service."""
    by = request.user
    data = form.cleaned_data
    if name == "exit":
        services.staff_record_exit_interview(by=by, member=member, request=request, **data)
    elif name == "assessment":
        services.staff_assess_competence(by=by, member=member, assessed_on=data["assessed_on"], levels=form.levels(),
                                         request=request)
    elif name == "change":
        services.staff_change(by=by, member=member, values=request.POST, request=request)
    elif name == "leave":
        services.staff_register_exit(by=by, member=member, values=request.POST, request=request)
    else:
        services.staff_plan_development(by=by, member=member, request=request, **data)


@require_capability("staff.view")
def turnover(request):
    """Turnover per unit (seed 001 table 1) and exit interviews compiled and analysed."""
    form = _period_form(request)
    first, last = form.period()
    units = form.selected_units()
    report = selectors.staff_report(first, last, units)
    moves = PageTable("turnover", _("Personalomsättning"), [
        Column(_("Enhet")), Column(_("Började"), INT), Column(_("Slutade"), INT),
        Column(_("Genomsnittligt antal anställda"), DEC), Column(_("Omsättning"), PCT),
        Column(_("Nettoförändring"), INT), Column(_("Flyttade in"), INT), Column(_("Flyttade ut"), INT)],
        note=_("Egna anställda; inhyrda konsulter redovisas under Konsulter. Omsättning = slutade / "
               "genomsnittligt antal anställda."))
    for entry in report:
        t = entry["turnover"]
        moves.rows.append([entry["unit_name"], t["started"], t["ended"], t["average_headcount"], t["rate"],
                           t["net_change"], t["transfers_in"], t["transfers_out"]])
    analysis = selectors.exit_interview_analysis(first, last, units)
    if not has_capability(request.user, "staff.exit_reasons"):
        # Roles other than HR: reasons of a few people are suppressed (core.suppression rule 5).
        return _public_turnover(request, form, first, last, report, moves, analysis)
    reasons = PageTable("exit_reasons", _("Avgångsorsaker"), [Column(_("Enhet"))] + [
        Column(_label(code), INT) for code in EXIT_REASON_LABELS_SV if code])
    for entry in report:
        reasons.rows.append([entry["unit_name"]] + [entry["exit_reasons"].get(code, 0)
                                                    for code in EXIT_REASON_LABELS_SV if code])
    interviews = PageTable("exit_interviews", _("Avgångsintervjuer: nämnda orsaker"), [
        Column(_("Enhet")), Column(_("Intervjuer"), INT)] + [
        Column(_label(code), INT) for code in EXIT_REASON_LABELS_SV if code],
        note=_("En intervju kan nämna flera orsaker; huvudorsaken räknas också."))
    totals: dict[str, int] = {}
    for entry in analysis:
        interviews.rows.append([entry["unit_name"], entry["interviews"]] + [
            entry["mentioned"].get(code, 0) for code in EXIT_REASON_LABELS_SV if code])
        for code, count in entry["mentioned"].items():
            totals[code] = totals.get(code, 0) + count
    chart = bar_chart([(_label(code), count) for code, count in sorted(totals.items(), key=lambda kv: -kv[1])
                       if count], decimals=0)
    comments = PageTable("exit_comments", _("Avgångsintervjuer: kommentarer"), [
        Column(_("Enhet")), Column(_("Datum"), DATE), Column(_("Huvudsaklig orsak")), Column(_("Kommentar"))])
    for entry in analysis:
        for held_on, main_reason, comment in entry["comments"]:
            comments.rows.append([entry["unit_name"], held_on, _label(main_reason), comment])
    return _respond(request, "staff/turnover.html", title=_("Personalomsättning och avgångar"),
                    tables=[moves, reasons, interviews, comments], what=f"Personalomsättning {first}–{last}",
                    objects=[entry["unit"] for entry in report], form=form, first=first, last=last, chart=chart)


def _public_turnover(request, form, first, last, report, moves, analysis):
    """The turnover page for roles other than HR: the exit interviews with small counts suppressed."""
    rows, totals = selectors.public_exit_interviews(analysis, default_threshold())
    interviews = PageTable("exit_interviews", _("Avgångsintervjuer: nämnda orsaker"), [Column(_("Enhet"))] + [
        Column(_label(code), INT) for code in selectors.SHOWN_EXIT_REASONS],
        note=_("En intervju kan nämna flera orsaker. Orsaker visas bara för enheter med fler avgångsintervjuer "
               "än %(threshold)s, och orsaker som färre än %(label)s nämnt visas som <%(label)s; enskildas "
               "orsaker och intervjuer ser bara HR.") % {"threshold": default_threshold(),
                                                           "label": default_threshold() + 1})
    for row in rows:
        interviews.rows.append([row["unit_name"]] + [row["mentioned"][code]
                                                     for code in selectors.SHOWN_EXIT_REASONS])
    chart = bar_chart([(_label(code), cell.value) for code, cell in totals.items() if cell.value], decimals=0)
    comments = PageTable("exit_comments", _("Avgångsintervjuer: kommentarer"), [Column(_("Enhet")),
                                                                                 Column(_("Kommentar"))])
    for row in rows:
        comments.rows.extend([row["unit_name"], comment] for comment in row["comments"])
    return _respond(request, "staff/turnover.html", title=_("Personalomsättning och avgångar"),
                    tables=[moves, interviews, comments], what=f"Personalomsättning {first}–{last}",
                    objects=[entry["unit"] for entry in report], form=form, first=first, last=last, chart=chart)


@require_capability("staff.view_absence")
def sick_leave(request):
    """Sick leave, overtime and fill-in time per unit in the shape of seed 001's tables 3, 4 and 5."""
    form = _period_form(request)
    first, last = form.period()
    report = selectors.staff_report(first, last, form.selected_units())
    band_labels = {"1": _("1 dag"), "2-21": _("2–21 dgr"), "22-90": _("22–90 dgr"), "91+": _("91– dgr")}
    table3 = PageTable("sick_days", _("Sjukfrånvarodagar och tillfällen"), [
        Column(_("Enhet")), Column(_("Frånvarodagar totalt"), INT), Column(_("Tillfällen totalt"), INT)] + [
        column for band in SICK_BANDS for column in (
            Column(f"{band_labels[band]}: " + str(_("tillfällen")), INT),
            Column(f"{band_labels[band]}: " + str(_("dagar")), INT))],
        note=_("Ett tillfälle hamnar i intervall efter hela tillfällets längd i kalenderdagar; dagarna är "
               "kalenderdagar inom perioden oavsett omfattning. Egna anställda."))
    table4 = PageTable("sick_hours", _("Sjukfrånvaro i timmar och andel av schemalagd tid"), [
        Column(_("Enhet")), Column(_("Timmar"), DEC), Column(_("Schemalagda timmar"), DEC),
        Column(_("Andel"), PCT)], note=_("Timmar räknas på arbetsdagar, med omfattning och sysselsättningsgrad."))
    table5 = PageTable("overtime", _("Övertid och fyllnadstid (timmar)"), [
        Column(_("Enhet")), Column(_("Fyllnadstid"), DEC), Column(_("Övertid"), DEC)])
    consultants = PageTable("consultant_sick", _("Inhyrda konsulters sjukfrånvaro (redovisas separat)"), [
        Column(_("Enhet")), Column(_("Tillfällen"), INT), Column(_("Dagar"), INT)])
    for entry in report:
        leave = entry["sick_leave"]
        table3.rows.append([entry["unit_name"], leave["total"]["days"], leave["total"]["occasions"]] + [
            value for band in SICK_BANDS for value in (leave[band]["occasions"], leave[band]["days"])])
        hours = entry["sick_hours"]
        table4.rows.append([entry["unit_name"], hours["hours"], hours["scheduled_hours"], hours["share"]])
        table5.rows.append([entry["unit_name"], entry["overtime"]["fill_in_hours"],
                            entry["overtime"]["overtime_hours"]])
        total = entry["consultants"]["sick_leave"]["total"]
        consultants.rows.append([entry["unit_name"], total["occasions"], total["days"]])
    chart = bar_chart([(entry["unit_name"], round(100 * (entry["sick_hours"]["share"] or 0), 2))
                       for entry in report])
    return _respond(request, "staff/sick_leave.html", title=_("Sjukfrånvaro, övertid och fyllnadstid"),
                    tables=[table3, table4, table5, consultants], what=f"Sjukfrånvaro {first}–{last}",
                    objects=[entry["unit"] for entry in report], form=form, first=first, last=last, chart=chart)


@require_capability("staff.view")
def consultants(request):
    """Consultants per unit: share of positions, vacancies, cost against the permanent equivalent."""
    form = _period_form(request)
    first, last = form.period()
    report = selectors.staff_report(first, last, form.selected_units())
    table = PageTable("consultants", _("Inhyrda konsulter"), [
        Column(_("Enhet")), Column(_("Konsulter"), INT), Column(_("Årsarbetare konsulter"), DEC),
        Column(_("Andel av tillsatta tjänster"), PCT), Column(_("Budgeterade tjänster"), DEC),
        Column(_("Vakanser (årsarbetare)"), DEC), Column(_("Konsultkostnad (kr)"), INT),
        Column(_("Samma tjänster med egen personal (kr)"), INT), Column(_("Kostnadskvot"), DEC)],
        note=_("Inhyrda konsulter får inte fatta beslut. Kostnaden för egen personal räknas på enhetens "
               "tillsvidareanställda i samma roll i perioden (månadskostnad per årsarbetare)."))
    for entry in report:
        c = entry["consultants"]
        table.rows.append([entry["unit_name"], c["count"], c["fte"], c["share"], c["budgeted_fte"],
                           c["vacancies_fte"], c["cost_sek"], c["permanent_equivalent_cost_sek"], c["cost_ratio"]])
    chart = bar_chart([(entry["unit_name"], round(100 * (entry["consultants"]["share"] or 0), 1))
                       for entry in report])
    return _respond(request, "staff/consultants.html", title=_("Konsulter"), tables=[table],
                    what=f"Konsulter {first}–{last}", objects=[entry["unit"] for entry in report],
                    form=form, first=first, last=last, chart=chart)


@require_capability("staff.view")
def eligibility(request):
    """Öppna jämförelser shares per unit and who may not be a main handler today, with the reason."""
    form = _period_form(request)
    first, last = form.period()
    units = form.selected_units()
    report = selectors.staff_report(first, last, units)
    shares = PageTable("shares", _("Handläggarnas utbildning och erfarenhet (Öppna jämförelser)"), [
        Column(_("Enhet")), Column(_("Utredare"), INT), Column(_("Socionom och minst 3 års erfarenhet"), PCT),
        Column(_("Socionom och mer än 5 års erfarenhet"), PCT), Column(_("Mer än 5 års erfarenhet"), PCT)],
        note=_("Per periodens sista dag. Riket 2015: 70 % respektive 49 % (Öppna jämförelser 2015)."))
    for entry in report:
        e = entry["eligibility"]
        shares.rows.append([entry["unit_name"], e["investigators"], e["socionom_3_years_or_more"],
                            e["socionom_over_5_years"], e["over_5_years"]])
    today = timezone.localdate()
    members = scope_staff(request.user, selectors.active_members(units, today).select_related("unit"))
    flagged = selectors.ineligible_main_handlers(members.order_by("unit__code", "staff_id"), today)
    limits = PageTable("not_main_handler", _("Får inte vara huvudhandläggare idag"), [
        Column(_("Medarbetare")), Column(_("Enhet")), Column(_("Anställningsform")), Column(_("Skäl"))],
        note=_("SoL (2001:453) 3 kap 3 a § / SoL (2025:400) 25 kap 1 §; kommunens gräns för självständigt arbete."))
    for member, verdict in flagged:
        limits.rows.append([member.display, member.unit.code, member.get_employment_display(),
                            " ".join(verdict.reasons)])
    tables = [shares, limits]
    people = {m.staff_id for m, _v in flagged}
    if has_capability(request.user, "cases.view"):
        # The warning the cases area also shows: open cases whose main caseworker is not eligible today.
        cases = scope_cases(request.user, case_selectors.cases().filter(unit__in=units))
        warned = selectors.cases_with_ineligible_main_handler(cases, today)
        warning_table = PageTable("cases_warning", _("Öppna ärenden där huvudhandläggaren inte uppfyller kraven"), [
            Column(_("Ärende")), Column(_("Enhet")), Column(_("Huvudhandläggare")), Column(_("Varning"))])
        for case, warning in warned:
            warning_table.rows.append([case.case_id, case.unit.code, case.main_handler.display, warning])
        tables.append(warning_table)
        # The cases shown and, with the staff below, their main handlers (who may be outside the staff scope).
        record_access(by=request.user, action="export" if request.GET.get("format") == "xlsx" else "view",
                      what="Behörighet", object_type="cases.case", objects=[case.case_id for case, _w in warned],
                      request=request)
        people |= {case.main_handler.staff_id for case, _w in warned}
    return _respond(request, "staff/eligibility.html", title=_("Behörighet och erfarenhet"),
                    tables=tables, what="Behörighet", objects=sorted(people), object_type="staff.staffmember",
                    form=form, first=first, last=last)


@require_capability("staff.view")
def competence(request):
    """A unit's competence profile over the knowledge areas, and its gaps against the expected level."""
    form = _period_form(request)
    _first, last = form.period()
    profile = selectors.competence_profile(form.selected_units(), last)
    table = PageTable("competence", _("Kompetensprofil"), [
        Column(_("Kunskapsområde")), Column(_("Förväntad nivå")), Column(_("Grundläggande"), INT),
        Column(_("God"), INT), Column(_("Mycket god"), INT), Column(_("Ej bedömda"), INT),
        Column(_("Under förväntad nivå (gap)"), INT)],
        note=_("Senaste bedömning per person och område fram till periodens slut."))
    for row in profile:
        table.rows.append([row["area"].name, row["area"].get_target_level_display(), row["basic"], row["good"],
                           row["very_good"], row["not_assessed"], row["below_target"]])
    chart = bar_chart([(row["area"].name, row["below_target"]) for row in profile], decimals=0)
    return _respond(request, "staff/competence.html", title=_("Kompetens"), tables=[table],
                    what=f"Kompetensprofil {last}", form=form, last=last, chart=chart)
