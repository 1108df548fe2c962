"""Forms of the staff pages: the period and unit filter, a new person, a dated change, an exit, exit
interviews, competence assessments.

The forms for a person's record (new, change, exit) only carry text: their values are checked by the staff
file's own rules (``rules.py``) in the services, so a form and a file get the same Swedish messages.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stabil.core.staffstats import EXIT_INTERVIEW_WINDOW_DAYS

from .models import CompetenceLevel, Degree, Employment, ExitReason, KnowledgeArea, StaffRole


class PeriodForm(forms.Form):
    """The period and unit a page shows: defaults to this year so far, all visible units."""

    fran = forms.DateField(label=_("Från"), required=False, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}))
    till = forms.DateField(label=_("Till"), required=False, input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}))
    enhet = forms.ChoiceField(label=_("Enhet"), required=False)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.units = list(units)
        self.fields["enhet"].choices = [("", _("Alla mina enheter"))] + [(u.code, str(u)) for u in self.units]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("fran"), cleaned.get("till")
        if first and last and last < first:
            raise forms.ValidationError(_("Slutdatum ligger före startdatum."))
        return cleaned

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        last = data.get("till") or today
        first = data.get("fran") or dt.date(last.year, 1, 1)
        if last < first:
            first, last = dt.date(today.year, 1, 1), today
        return first, last

    def selected_units(self):
        code = self.cleaned_data.get("enhet") if self.is_valid() else ""
        return [u for u in self.units if u.code == code] if code else self.units


class ExitInterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Datum"), input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))
    main_reason = forms.ChoiceField(label=_("Huvudsaklig orsak"), choices=ExitReason.choices)
    other_reasons = forms.MultipleChoiceField(label=_("Andra orsaker"), choices=ExitReason.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Kommentar"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    would_return = forms.NullBooleanField(label=_("Kan tänka sig att komma tillbaka"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per request (not at import), so that the help text follows the user's language.
        self.fields["held_on"].help_text = _("På slutdatum eller högst %(days)d dagar efter, inte i framtiden.") % {
            "days": EXIT_INTERVIEW_WINDOW_DAYS}


class AssessmentForm(forms.Form):
    """One level per knowledge area, assessed on a date."""

    assessed_on = forms.DateField(label=_("Bedömd"), input_formats=["%Y-%m-%d"],
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(KnowledgeArea.objects.all())
        for area in self.areas:
            self.fields[f"area_{area.pk}"] = forms.TypedChoiceField(
                label=area.name, required=False, coerce=int, empty_value=None,
                choices=[("", _("Ej bedömd"))] + list(CompetenceLevel.choices))

    def levels(self) -> dict:
        return {area: self.cleaned_data[f"area_{area.pk}"] for area in self.areas
                if self.cleaned_data.get(f"area_{area.pk}")}


def _select(label, choices, *, blank=None, help_text=""):
    """A text field shown as a list: the value is checked by the staff rules (``rules.py``), not the form."""
    options = ([("", blank)] if blank is not None else []) + list(choices)
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=options), help_text=help_text)


def _text(label, *, help_text="", date=False, decimal=False, max_length=None):
    """A text field whose value the staff rules check (so that the file and the form give the same messages)."""
    attrs = {"type": "date"} if date else ({"inputmode": "decimal"} if decimal else {})
    return forms.CharField(label=label, required=False, help_text=help_text, max_length=max_length,
                           strip=False, widget=forms.TextInput(attrs=attrs))


def _unit_choices(units) -> list[tuple[str, str]]:
    return [(unit.code, str(unit)) for unit in units]


def _team_choices(teams) -> list:
    """Teams grouped by their unit (an option group per unit), so a team is chosen within its unit."""
    groups: dict[str, list] = {}
    for team in teams:
        groups.setdefault(str(team.unit), []).append((team.code, f"{team.name} ({team.code})"))
    return list(groups.items())


class StaffForm(forms.Form):
    """A new staff member: the staff file's fields (``docs/cli-staff.md``), checked by ``rules.check_staff_record``."""

    staff_id = _text(_("Personal-id"), max_length=64,
                     help_text=_("HR-systemets anställningsnummer, aldrig ett personnummer."))
    name = _text(_("Namn"), max_length=120, help_text=_("Frivilligt. Visas som ”Namn (personal-id)”."))
    unit = _select(_("Enhet"), [], blank=_("Välj enhet"))
    team = _select(_("Team"), [], blank=_("Inget team"), help_text=_("Ett team i den valda enheten."))
    role = _select(_("Roll"), StaffRole.choices)
    employment = _select(_("Anställningsform"), Employment.choices)
    fte = _text(_("Sysselsättningsgrad"), decimal=True, help_text=_("Större än 0 och högst 1, t.ex. 0,75."))
    degree = _select(_("Examen"), Degree.choices)
    experience_years = _text(_("Relevant erfarenhet vid start (år)"), decimal=True,
                             help_text=_("0–60 år, t.ex. 2,5; erfarenheten växer sedan under anställningen."))
    started_on = _text(_("Startdatum"), date=True, help_text=_("ÅÅÅÅ-MM-DD"))
    monthly_cost_sek = _text(_("Månadskostnad (kr)"), decimal=True,
                             help_text=_("Lön med påslag; för en inhyrd konsult bemanningsföretagets pris per månad."))

    def __init__(self, *args, units, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", _("Välj enhet"))] + _unit_choices(units)
        self.fields["team"].widget.choices = [("", _("Inget team"))] + _team_choices(teams)
        if not self.is_bound:
            self.initial.update({"role": "caseworker", "employment": "permanent", "fte": "1",
                                 "degree": "socionom", "experience_years": "0"})


class SituationChangeForm(forms.Form):
    """A dated change of unit, team, role, employment, FTE or cost (reports before the date keep the old one),
    checked by ``rules.check_situation_change``."""

    valid_from = _text(_("Gäller från"), date=True, help_text=_("ÅÅÅÅ-MM-DD"))
    unit = _select(_("Enhet"), [], blank=_("Oförändrad"))
    team = _select(_("Team"), [], blank=_("Oförändrat"),
                   help_text=_("Byter du enhet utan att välja team får personen inget team."))
    role = _select(_("Roll"), StaffRole.choices, blank=_("Oförändrad"))
    employment = _select(_("Anställningsform"), Employment.choices, blank=_("Oförändrad"))
    fte = _text(_("Sysselsättningsgrad"), decimal=True, help_text=_("Tomt: oförändrad. Större än 0 och högst 1."))
    monthly_cost_sek = _text(_("Månadskostnad (kr)"), decimal=True, help_text=_("Tomt: oförändrad."))

    def __init__(self, *args, units, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [("", _("Oförändrad"))] + _unit_choices(units)
        self.fields["team"].widget.choices = [("", _("Oförändrat"))] + _team_choices(teams)


class ExitForm(forms.Form):
    """An exit: the last day of employment and the reason, checked by ``rules.check_exit``."""

    ended_on = _text(_("Slutdatum (sista anställningsdag)"), date=True, help_text=_("ÅÅÅÅ-MM-DD"))
    exit_reason = _select(_("Avgångsorsak"), ExitReason.choices, blank=_("Ej angiven"),
                          help_text=_("Frivilligt; avgångsintervjun kan ange den senare."))

    def __init__(self, *args, with_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_reason:
            # Exit reasons are HR's (``staff.exit_reasons``): others register the date only.
            del self.fields["exit_reason"]


class DevelopmentPlanForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Kunskapsområde"), queryset=KnowledgeArea.objects.all())
    target_level = forms.TypedChoiceField(label=_("Målnivå"), coerce=int, choices=CompetenceLevel.choices)
    activity = forms.CharField(label=_("Aktivitet"), max_length=300)
    planned_on = forms.DateField(label=_("Upprättad"), input_formats=["%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Klart senast"), input_formats=["%Y-%m-%d"],
                             widget=forms.DateInput(attrs={"type": "date"}))
