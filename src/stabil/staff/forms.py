"""Forms of the staff pages: the period and unit filter, exit interviews, competence assessments."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CompetenceLevel, ExitReason, KnowledgeArea


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
