from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ScenarioMeasure

CATEGORY_CHOICES = [("", _("Alla kategorier")), ("barn", _("Barn")), ("ungdom", _("Ungdom")),
                    ("ensamkommande", _("Ensamkommande"))]
SERIES_CHOICES = [("reports", _("Inkomna anmälningar")), ("investigations", _("Inledda utredningar"))]


class ScenarioCreateForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120)
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=None, empty_label=None)
    months = forms.IntegerField(label=_("Månader"), min_value=1, max_value=120, initial=36)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ScenarioMeasure
        fields = ["kind", "start_on", "count", "experienced", "weeks", "months", "conversion_share", "sek_per_month",
                  "cap", "turnover_factor", "cost_sek", "monthly_cost_sek", "label", "action_plan_measure"]
        widgets = {"start_on": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in ("hire", "summer_temps", "trainees", "specialists", "admin_support") and not data.get("count"):
            self.add_error("count", _("Ange antal personer (minst 1) för den här åtgärden."))
        if kind in ("consultant_cap", "caseload_cap") and data.get("cap") is None:
            self.add_error("cap", _("Ange taket för den här åtgärden."))
        if kind == "pay_rise" and not data.get("sek_per_month"):
            self.add_error("sek_per_month", _("Ange lönepåslaget i kronor per månad."))
        share = data.get("conversion_share")
        if share is not None and not 0 <= share <= 1:
            self.add_error("conversion_share", _("Andelen ska ligga mellan 0 och 1."))
        factor = data.get("turnover_factor")
        if factor is not None and not 0.1 <= factor <= 1.5:
            self.add_error("turnover_factor", _("Faktorn ska ligga mellan 0,1 och 1,5."))
        return data


class RunForm(forms.Form):
    runs = forms.IntegerField(label=_("Antal körningar"), min_value=10, max_value=5000, initial=1000)
    seed = forms.IntegerField(label=_("Slumpfrö"), min_value=0, max_value=2**31 - 1, initial=1)


class ForecastForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=None, required=False, empty_label=_("Alla synliga enheter"))
    category = forms.ChoiceField(label=_("Kategori"), choices=CATEGORY_CHOICES, required=False)
    series = forms.ChoiceField(label=_("Serie"), choices=SERIES_CHOICES, required=False, initial="reports")
    months = forms.IntegerField(label=_("Månader framåt"), min_value=1, max_value=36, initial=24, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
