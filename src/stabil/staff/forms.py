"""Forms of the staff pages: the period and unit filter, exit interviews, competence assessments."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CompetenceLevel, Employment, ExitReason, KnowledgeArea, StaffRole


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


class SituationChangeForm(forms.Form):
    """A dated change of unit, role, employment, FTE or cost (reports before the date keep the old one)."""

    valid_from = forms.DateField(label=_("Gäller från"), input_formats=["%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=None, required=False, empty_label=_("Oförändrad"))
    role = forms.ChoiceField(label=_("Roll"), required=False, choices=[("", _("Oförändrad"))] + list(StaffRole.choices))
    employment = forms.ChoiceField(label=_("Anställningsform"), required=False,
                                   choices=[("", _("Oförändrad"))] + list(Employment.choices))
    fte = forms.DecimalField(label=_("Sysselsättningsgrad"), required=False, min_value=0.01, max_value=1,
                             decimal_places=2, localize=True)
    monthly_cost_sek = forms.DecimalField(label=_("Månadskostnad (kr)"), required=False, min_value=0,
                                          decimal_places=0, localize=True)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DevelopmentPlanForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Kunskapsområde"), queryset=KnowledgeArea.objects.all())
    target_level = forms.TypedChoiceField(label=_("Målnivå"), coerce=int, choices=CompetenceLevel.choices)
    activity = forms.CharField(label=_("Aktivitet"), max_length=300)
    planned_on = forms.DateField(label=_("Upprättad"), input_formats=["%Y-%m-%d"],
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Klart senast"), input_formats=["%Y-%m-%d"],
                             widget=forms.DateInput(attrs={"type": "date"}))
