"""Forms for governance pages; labels in Swedish, errors name the field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from stabil.common.periods import month_end, period_label
from stabil.core import suppression
from stabil.core.statistics import parse_months, parse_years

from .board_report import PeriodError, parse_period
from .models import FollowUp, Goal, Measure, Risk, SelfInspectionResult, Status


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatisticsForm(forms.Form):
    years = forms.CharField(label=_("År"), initial="", help_text=_("t.ex. 2012-2015"), max_length=9)
    months = forms.CharField(label=_("Månader"), initial="1-8", help_text=_("t.ex. 1-8 för januari–augusti"),
                             max_length=5)
    unit = forms.ChoiceField(label=_("Enhet"), required=False)
    public = forms.BooleanField(label=_("Visa offentlig version (små tal dolda)"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Alla enheter"))] + [(u.code, f"{u.code} {u.name}") for u in units]

    def clean_years(self):
        try:
            years = parse_years(self.cleaned_data["years"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if len(years) > 10:
            raise forms.ValidationError(_("Högst tio år i tabellen."))
        return years

    def clean_months(self):
        try:
            return parse_months(self.cleaned_data["months"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class BoardReportForm(forms.Form):
    period = forms.CharField(label=_("Period"), help_text=_("ÅÅÅÅ-MM..ÅÅÅÅ-MM, t.ex. 2015-01..2015-08"), max_length=20)
    registration_number = forms.CharField(label=_("Diarienummer"), required=False, max_length=64)
    public = forms.BooleanField(label=_("Offentlig version (små tal dolda)"), required=False)

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class KpiForm(forms.Form):
    """Targets for the plan's three years and, for an entered KPI, its outcomes."""

    def __init__(self, *args, kpi, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.years = years
        targets = {t.year: t.target for t in kpi.targets.all()}
        entries = {e.year: e.value for e in kpi.entries.all()}
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=_("Målvärde %(year)s") % {"year": year}, required=False, max_digits=14, decimal_places=2,
                initial=targets.get(year), localize=True)
            if not kpi.computed:
                self.fields[f"value_{year}"] = forms.DecimalField(
                    label=_("Utfall %(year)s") % {"year": year}, required=False, max_digits=14, decimal_places=2,
                    initial=entries.get(year), localize=True)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["title", "how", "expected_result", "due_on", "cost_sek", "responsible", "status", "goals", "kpis",
                  "risks"]
        widgets = {"due_on": DateInput(), "how": forms.Textarea(attrs={"rows": 3}),
                   "expected_result": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = self.fields["goals"].queryset.filter(archived_at__isnull=True)
        self.fields["kpis"].queryset = self.fields["kpis"].queryset.filter(archived_at__isnull=True)
        self.fields["risks"].queryset = self.fields["risks"].queryset.filter(archived_at__isnull=True)
        self.fields["cost_sek"].localize = True
        self.fields["cost_sek"].widget.is_localized = True
        for name in ("goals", "kpis", "risks"):
            self.fields[name].required = False


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["on", "status", "note"]
        widgets = {"on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = ["title", "description", "source", "likelihood", "consequence", "owner", "review_on", "org_unit"]
        widgets = {"review_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3}),
                   "likelihood": forms.Select(choices=[(i, i) for i in range(1, 5)]),
                   "consequence": forms.Select(choices=[(i, i) for i in range(1, 5)])}


class CheckResultForm(forms.ModelForm):
    class Meta:
        model = SelfInspectionResult
        fields = ["performed_on", "passed", "deviations", "summary"]
        widgets = {"performed_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 3})}


STATUS_CHOICES = Status.choices
DEFAULT_THRESHOLD = suppression.DEFAULT_THRESHOLD


class ScorecardForm(forms.ModelForm):
    perspectives = forms.CharField(label=_("Perspektiv"), initial="Invånare, Organisation, Ekonomi, Omvärld",
                                   help_text=_("Kommaseparerade, i ordning."), max_length=400)

    class Meta:
        from .models import Scorecard

        model = Scorecard
        fields = ["board", "first_year", "title", "registration_number"]

    def clean_perspectives(self):
        names = [name.strip() for name in self.cleaned_data["perspectives"].split(",") if name.strip()]
        if not names:
            raise forms.ValidationError(_("Ange minst ett perspektiv."))
        return names

    def clean_first_year(self):
        year = self.cleaned_data["first_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Ange ett år mellan 2000 och 2100."))
        return year


class GoalForm(forms.ModelForm):
    class Meta:
        from .models import Goal

        model = Goal
        fields = ["perspective", "text", "strategy"]
        widgets = {"strategy": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, scorecard, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perspective"].queryset = scorecard.perspectives.filter(archived_at__isnull=True)


class KpiCreateForm(forms.ModelForm):
    class Meta:
        from .models import Kpi

        model = Kpi
        fields = ["goal", "name", "computed", "unit", "direction", "org_unit"]

    def __init__(self, *args, scorecard, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["goal"].queryset = Goal.objects.filter(perspective__scorecard=scorecard, archived_at__isnull=True)
        self.fields["computed"].help_text = _("Välj ett mätetal som Stabil beräknar, eller lämna tomt för inmatade "
                                              "värden. Beräknade mätetal får enhet och riktning från definitionen.")


class PlanForm(forms.ModelForm):
    class Meta:
        from .models import ActionPlan

        model = ActionPlan
        fields = ["board", "title", "registration_number", "decided_on", "budget_sek", "purpose"]
        widgets = {"decided_on": DateInput(), "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_sek"].localize = True
        self.fields["budget_sek"].widget.is_localized = True


class CheckForm(forms.ModelForm):
    class Meta:
        from .models import SelfInspectionCheck

        model = SelfInspectionCheck
        fields = ["board", "name", "method", "kind", "frequency", "responsible", "first_due_on"]
        widgets = {"first_due_on": DateInput(), "method": forms.Textarea(attrs={"rows": 3})}


class ScorecardThroughForm(forms.Form):
    """The month up to which the scorecard counts the running year (default: the last whole month)."""

    till = forms.ChoiceField(label=_("Till och med månad"), required=False)

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["till"].choices = [(f"{m:%Y-%m}", period_label(m, month_end(m))) for m in months]

    def clean_till(self) -> dt.date | None:
        text = self.cleaned_data["till"]
        if not text:
            return None
        year, month = (int(part) for part in text.split("-"))
        return month_end(dt.date(year, month, 1))


class KpiPeriodForm(forms.Form):
    first_day = forms.DateField(label=_("Från"), widget=DateInput())
    last_day = forms.DateField(label=_("Till"), widget=DateInput())
    unit = forms.ChoiceField(label=_("Enhet"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Alla enheter"))] + [(u.code, f"{u.code} {u.name}") for u in units]

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["first_day"] > data["last_day"]:
            self.add_error("last_day", _("Till-datum måste vara samma som eller efter från-datum."))
        return data
