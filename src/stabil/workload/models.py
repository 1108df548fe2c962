"""Workload: the versioned model configuration, per-unit and per-team settings, case complexity
markers, and the measures recorded in a unit's workload risk assessment.

The calculations live in ``stabil.core.workload``; these models only store what the municipality
decides. Nothing here is edited in ``save()`` or signals: writes go through ``services.py``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stabil.core.workload import WorkloadConfig as ModelConfig


class ConfigVersion(models.Model):
    """One saved version of the workload model's configuration; the newest is in force.

    Versions are never edited or deleted: a change is a new version that records who made it, when,
    why, and which values changed.
    """

    number = models.PositiveIntegerField(_("version"), unique=True)
    data = models.JSONField(_("inställningar"))
    changes = models.JSONField(_("ändringar"), default=list, blank=True)
    note = models.CharField(_("anledning"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sparad"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("sparad av"))
    source = models.CharField(_("källa"), max_length=16, default="web")  # web, cli, demo, calibration

    class Meta:
        verbose_name = _("version av belastningsmodellen")
        verbose_name_plural = _("versioner av belastningsmodellen")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"

    def config(self) -> ModelConfig:
        """Return the core configuration this version stores."""
        return ModelConfig.from_dict(self.data)


class UnitSettings(models.Model):
    """Workload settings of one unit: whether it has admin support (a lower non-case share)."""

    unit = models.OneToOneField("organisation.Unit", on_delete=models.CASCADE, related_name="workload_settings")
    admin_support = models.BooleanField(_("administrativt stöd"), default=False)

    class Meta:
        verbose_name = _("enhetsinställning för arbetsbelastning")
        verbose_name_plural = _("enhetsinställningar för arbetsbelastning")

    def __str__(self) -> str:
        return f"Arbetsbelastningsinställningar för {self.unit}"


class TeamSettings(models.Model):
    """The work types a team works with; allocation ranks people who fit the case's type first."""

    team = models.OneToOneField("organisation.Team", on_delete=models.CASCADE, related_name="workload_settings")
    work_types = models.JSONField(_("ärendetyper"), default=list, blank=True)

    class Meta:
        verbose_name = _("teaminställning för arbetsbelastning")
        verbose_name_plural = _("teaminställningar för arbetsbelastning")

    def __str__(self) -> str:
        return f"Arbetsbelastningsinställningar för {self.team}"


class CaseComplexity(models.Model):
    """Complexity markers of a case that the case events do not show (LVU is read from the events)."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="workload_complexity")
    several_children = models.BooleanField(_("flera barn i ärendet"), default=False)
    interpreter_needed = models.BooleanField(_("tolk behövs"), default=False)

    class Meta:
        verbose_name = _("ärendets komplexitet")
        verbose_name_plural = _("ärendens komplexitet")

    def markers(self) -> tuple[str, ...]:
        out = []
        if self.several_children:
            out.append("several_children")
        if self.interpreter_needed:
            out.append("interpreter")
        return tuple(out)

    def __str__(self) -> str:
        return f"Komplexitet i ärende {self.case.case_id}"


class RiskMeasure(models.Model):
    """A workload risk that cannot be removed at once, and the measure recorded for it.

    Arbetsmiljöverket demanded a workload risk assessment with an action plan from Västerås (seed 001);
    the governance area's action plans and risk register can take these over.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        IN_PROGRESS = "in_progress", _("Pågår")
        DONE = "done", _("Genomförd")

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="workload_risk_measures",
                             verbose_name=_("enhet"))
    risk = models.CharField(_("risk"), max_length=300)
    measure = models.TextField(_("åtgärd"), max_length=2000)
    responsible = models.CharField(_("ansvarig"), max_length=120)
    due_on = models.DateField(_("klart senast"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("registrerad av"))
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("åtgärd i riskbedömning")
        verbose_name_plural = _("åtgärder i riskbedömning")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.risk
