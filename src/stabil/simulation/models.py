"""Scenarios: a unit's starting point (staff and open cases from the database), measures, and runs.

A ``Scenario`` stores its starting point as the core scenario's dict (``stabil.core.simulation``), taken
from the unit on the day it was created, so a run is reproducible even after the data change. Measures
are rows (they can be added and removed on the page and linked to an action-plan measure); a
``SimulationRun`` holds one run's result (bands per month and the summary), filled by a background job.
No child or person is stored here: only counts, ages of open cases in days and experience groups.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stabil.common.periods import period_label
from stabil.core.calendar import add_months
from stabil.core.simulation import MEASURE_KINDS, MEASURE_LABELS_SV

MEASURE_CHOICES = [(k, MEASURE_LABELS_SV[k]) for k in MEASURE_KINDS]


class Scenario(models.Model):
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="scenarios",
                             verbose_name=_("enhet"))
    start_on = models.DateField(_("startdatum"))
    months = models.PositiveSmallIntegerField(_("månader"), default=36)
    base = models.JSONField(_("utgångsläge"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarier")
        ordering = ["unit__code", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def latest_run(self):
        return self.runs.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()

    @property
    def end_on(self) -> dt.date:
        """The last day the scenario simulates: ``months`` months from its start."""
        return add_months(self.start_on, self.months) - dt.timedelta(days=1)

    @property
    def period_name(self) -> str:
        """The simulated period as shown beside its figures: "december 2026–november 2029"."""
        return period_label(self.start_on, self.end_on)


class ScenarioMeasure(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("åtgärd"), max_length=32, choices=MEASURE_CHOICES)
    start_on = models.DateField(_("startdatum"))
    count = models.PositiveIntegerField(_("antal"), default=0)
    experienced = models.BooleanField(_("erfarna"), default=True)
    weeks = models.PositiveSmallIntegerField(_("veckor"), default=8)
    months = models.PositiveSmallIntegerField(_("månader (0 = hela perioden)"), default=0)
    conversion_share = models.FloatField(_("andel som anställs efter programmet"), default=0.7)
    sek_per_month = models.DecimalField(_("lönepåslag (kr/månad)"), max_digits=9, decimal_places=0, default=0)
    cap = models.FloatField(_("tak"), null=True, blank=True)
    turnover_factor = models.FloatField(_("faktor på personalomsättningen"), default=0.95)
    cost_sek = models.DecimalField(_("engångskostnad (kr)"), max_digits=12, decimal_places=0, default=0)
    monthly_cost_sek = models.DecimalField(_("extra kostnad per månad (kr)"), max_digits=12, decimal_places=0,
                                           default=0)
    label = models.CharField(_("benämning"), max_length=200, blank=True)
    action_plan_measure = models.ForeignKey("governance.Measure", null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="scenario_measures",
                                            verbose_name=_("åtgärd i handlingsplan"))

    class Meta:
        verbose_name = _("åtgärd i scenario")
        verbose_name_plural = _("åtgärder i scenario")
        ordering = ["scenario", "start_on", "pk"]

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class SimulationRun(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    runs = models.PositiveIntegerField(_("körningar"), default=1000)
    seed = models.PositiveIntegerField(_("slumpfrö"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    result = models.JSONField(_("resultat"), default=dict, blank=True)

    class Meta:
        verbose_name = _("simuleringskörning")
        verbose_name_plural = _("simuleringskörningar")
        ordering = ["-created_at", "-pk"]
