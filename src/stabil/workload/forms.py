"""Forms of the workload area (Swedish labels, decimal comma accepted)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from stabil.core.workload import WORK_TYPE_LABELS_SV, WORK_TYPES

from .models import RiskMeasure

SCALARS = [
    ("contracted_hours_per_month", _("Avtalad arbetstid, timmar per månad (heltid)"), 1, 250),
    ("non_case_share", _("Andel tid utanför ärenden (0–1)"), 0, 0.99),
    ("non_case_share_with_admin_support", _("Andel tid utanför ärenden med administrativt stöd (0–1)"), 0, 0.99),
    ("supervision_hours_per_supervisee_per_month", _("Handledning, timmar per handledd och månad (arbetsledare)"),
     0, 40),
    ("trainee_rate", _("Kapacitet för trainee (andel)"), 0.01, 1.5),
    ("amber_from", _("Gul från belastning (andel, t.ex. 0,85)"), 0.01, 3),
    ("red_above", _("Röd över belastning (andel, t.ex. 1,00)"), 0.01, 3),
    ("target_load", _("Målbelastning för bemanningsbehov (andel)"), 0.01, 3),
]
COMPLEXITY = [("lvu", _("Faktor LVU")), ("several_children", _("Faktor flera barn")),
              ("interpreter", _("Faktor tolk behövs"))]


def _decimal(label, low, high):
    return forms.DecimalField(label=label, min_value=low, max_value=high, decimal_places=3, localize=True)


class ConfigForm(forms.Form):
    """Every value of the workload model; saved as a new version."""

    note = forms.CharField(label=_("Anledning till ändringen"), max_length=300)

    def __init__(self, *args, initial_config=None, **kwargs):
        super().__init__(*args, **kwargs)
        data = initial_config.to_dict() if initial_config is not None else {}
        for kind in WORK_TYPES:
            label = WORK_TYPE_LABELS_SV[kind]
            self.fields[f"main__{kind}"] = _decimal(_("Huvudhandläggare: %(typ)s (timmar/månad)") % {"typ": label},
                                                   0, 200)
            self.fields[f"co__{kind}"] = _decimal(_("Medhandläggare: %(typ)s (timmar/månad)") % {"typ": label},
                                                 0, 200)
            if data:
                self.initial[f"main__{kind}"] = data["main_weights_hours_per_month"][kind]
                self.initial[f"co__{kind}"] = data["co_weights_hours_per_month"][kind]
        for key, label in COMPLEXITY:
            self.fields[f"complexity__{key}"] = _decimal(label, 0.5, 5)
            if data:
                self.initial[f"complexity__{key}"] = data["complexity_factors"].get(key, 1.0)
        for name, label, low, high in SCALARS:
            self.fields[name] = _decimal(label, low, high)
            if data:
                self.initial[name] = data[name]
        for i in range(4):
            self.fields[f"exp_years_{i}"] = _decimal(_("Erfarenhetsnivå %(n)s: från år") % {"n": i + 1}, 0, 60)
            self.fields[f"exp_rate_{i}"] = _decimal(_("Erfarenhetsnivå %(n)s: kapacitet (andel)") % {"n": i + 1},
                                                    0.01, 1.5)
            if data and i < len(data["experience_rates"]):
                self.initial[f"exp_years_{i}"], self.initial[f"exp_rate_{i}"] = data["experience_rates"][i]
        self.order_fields(["note"] + [f for f in self.fields if f != "note"])

    def config_data(self) -> dict:
        c = self.cleaned_data
        return {
            "main_weights_hours_per_month": {k: float(c[f"main__{k}"]) for k in WORK_TYPES},
            "co_weights_hours_per_month": {k: float(c[f"co__{k}"]) for k in WORK_TYPES},
            "complexity_factors": {k: float(c[f"complexity__{k}"]) for k, _label in COMPLEXITY},
            **{name: float(c[name]) for name, *_rest in SCALARS},
            "experience_rates": [[float(c[f"exp_years_{i}"]), float(c[f"exp_rate_{i}"])] for i in range(4)],
        }

    def weight_rows(self):
        """Return (label, main field, co field) per work type, for the template's table."""
        return [(WORK_TYPE_LABELS_SV[k], self[f"main__{k}"], self[f"co__{k}"]) for k in WORK_TYPES]

    def other_fields(self):
        return [self[name] for name in self.fields if name != "note" and not name.startswith(("main__", "co__"))]


class RiskMeasureForm(forms.ModelForm):
    class Meta:
        model = RiskMeasure
        fields = ["risk", "measure", "responsible", "due_on", "status"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "measure": forms.Textarea(attrs={"rows": 3})}


class CalibrationForm(forms.Form):
    file = forms.FileField(label=_("Tidsstudie (CSV eller XLSX)"))
    months = forms.DecimalField(label=_("Studiens längd i månader"), min_value=0.1, max_value=36, initial=1,
                                localize=True)
    on = forms.DateField(label=_("Dag då ärendena räknas (för registrerad tid per person utan ärendetyp)"),
                         required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    save = forms.BooleanField(label=_("Spara förslaget som ny modellversion"), required=False)
    note = forms.CharField(label=_("Anledning (sparas med versionen)"), max_length=300, required=False)


class UnitSettingsForm(forms.Form):
    """A unit's admin support and the work types of each of its teams."""

    admin_support = forms.BooleanField(label=_("Enheten har administrativt stöd (lägre andel tid utanför ärenden)"),
                                       required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(k, WORK_TYPE_LABELS_SV[k]) for k in WORK_TYPES]
        self.team_fields = []
        for team in teams:
            name = f"team_{team.code}"
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Team %(team)s arbetar med (tomt: alla ärendetyper)") % {"team": team.name},
                choices=choices, required=False, widget=forms.CheckboxSelectMultiple)
            self.team_fields.append((team, name))

    def team_rows(self):
        return [(team, self[name]) for team, name in self.team_fields]
