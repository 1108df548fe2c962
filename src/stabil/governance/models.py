"""Governance: scorecards (styrkort), action plans, the risk register and self-inspection.

Shapes from the seeds: Helsingborg's scorecard (002: perspectives, goals, KPIs with a target
per year over three years), Uppsala's action plan (000: measure, how, result, when, cost),
and SOSFS 2011:9 (risk analyses and self-inspection inside the quality management system),
asked for by the Västerås auditors (001).

Every change is dated and attributed by django-auditlog (registered at the bottom), and
nothing is hard-deleted: rows are archived (``archived_at``) instead. Responsible persons and
risk owners are written as a function ("Enhetschef utredning"), not a person's name.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from stabil.core import kpi as core_kpi


class NoDeleteQuerySet(models.QuerySet):
    """Bulk deletes are refused too: governance rows are archived, never deleted."""

    def delete(self):
        raise PermissionError("governance rows are archived, never deleted")


class Archivable(models.Model):
    """A row that is archived, never deleted."""

    objects = NoDeleteQuerySet.as_manager()

    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("skapad av"))
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("governance rows are archived, never deleted")


class Board(Archivable):
    """The political board responsible (socialnämnd / individ- och familjenämnd)."""

    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        verbose_name = _("nämnd")
        verbose_name_plural = _("nämnder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Scorecard(Archivable):
    """A board's scorecard for a three-year plan starting in ``first_year``."""

    PLAN_YEARS = 3

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="scorecards", verbose_name=_("nämnd"))
    first_year = models.PositiveIntegerField(_("första planår"))
    title = models.CharField(_("rubrik"), max_length=200)
    registration_number = models.CharField(_("diarienummer"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("styrkort")
        verbose_name_plural = _("styrkort")
        ordering = ["board", "-first_year"]
        constraints = [models.UniqueConstraint(fields=["board", "first_year"], name="scorecard_board_year")]

    def __str__(self) -> str:
        return f"{self.title} {self.first_year}"

    @property
    def years(self) -> list[int]:
        """Return the plan's years."""
        return [self.first_year + i for i in range(self.PLAN_YEARS)]


class Perspective(Archivable):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="perspectives")
    name = models.CharField(_("perspektiv"), max_length=100)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("perspektiv")
        verbose_name_plural = _("perspektiv")
        ordering = ["scorecard", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Goal(Archivable):
    perspective = models.ForeignKey(Perspective, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(_("mål"), max_length=300)
    strategy = models.TextField(_("strategi"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["perspective", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class KpiUnit(models.TextChoices):
    PERCENT = core_kpi.PERCENT, _("procent")
    SEK = core_kpi.SEK, _("kronor")
    INDEX = core_kpi.INDEX, _("index/antal")


class Direction(models.TextChoices):
    HIGHER = core_kpi.HIGHER, _("högre är bättre")
    LOWER = core_kpi.LOWER, _("lägre är bättre")


COMPUTED_CHOICES = [(code, code) for code in core_kpi.REGISTRY]


class Kpi(Archivable):
    """A KPI (mätetal) of a goal: computed by Stabil (``computed``) or entered per period."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="kpis", verbose_name=_("mål"))
    name = models.CharField(_("mätetal"), max_length=300)
    computed = models.CharField(_("beräknas av Stabil"), max_length=64, blank=True, choices=COMPUTED_CHOICES,
                                help_text=_("Tomt för mätetal som matas in per period (t.ex. NKI, HME)."))
    unit = models.CharField(_("enhet"), max_length=16, choices=KpiUnit.choices, default=KpiUnit.PERCENT)
    direction = models.CharField(_("riktning"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    org_unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("organisatorisk enhet"),
                                 help_text=_("Tomt = hela nämndens verksamhet."))
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("mätetal")
        verbose_name_plural = _("mätetal")
        ordering = ["goal", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.computed)

    def band(self, target: float) -> float:
        """Return the "near" band: the registered KPI's, else the unit's default."""
        if self.computed:
            return core_kpi.definition(self.computed).band(target)
        return core_kpi.KpiDefinition("", self.unit, self.direction, "", "").band(target)


class KpiTarget(models.Model):

    objects = NoDeleteQuerySet.as_manager()
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveIntegerField(_("år"))
    target = models.DecimalField(_("målvärde"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        ordering = ["kpi", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="kpi_target_year")]

    def delete(self, *args, **kwargs):
        raise PermissionError("targets are changed, never deleted")

    def __str__(self) -> str:
        return f"Målvärde {self.year} för {self.kpi}"


class KpiEntry(models.Model):
    """An entered KPI value for a year (NKI, HME, or an outcome Stabil does not compute)."""

    objects = NoDeleteQuerySet.as_manager()

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveIntegerField(_("år"))
    value = models.DecimalField(_("utfall"), max_digits=14, decimal_places=2)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    entered_at = models.DateTimeField(_("inmatad"), auto_now=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("inmatat utfall")
        verbose_name_plural = _("inmatade utfall")
        ordering = ["kpi", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "year"], name="kpi_entry_year")]

    def delete(self, *args, **kwargs):
        raise PermissionError("entries are changed, never deleted")

    def __str__(self) -> str:
        return f"Utfall {self.year} för {self.kpi}"


class KpiSnapshot(models.Model):
    """A computed KPI value for a period and scope, kept so pages need not recompute.

    ``unit_code`` is "" for the whole organisation. Taken only by ``services.kpi_snapshots_take`` (the
    scorecard's "Räkna om" button, the demo build), never by a page view; ``computed_at`` says how fresh it is.
    """

    code = models.CharField(max_length=64)
    unit_code = models.CharField(max_length=32, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    value = models.FloatField(null=True)
    numerator = models.FloatField(null=True)
    denominator = models.FloatField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "unit_code", "first_day", "last_day"], name="kpi_snapshot_key")
        ]


class Status(models.TextChoices):
    PLANNED = "planned", _("Planerad")
    IN_PROGRESS = "in_progress", _("Pågår")
    DONE = "done", _("Genomförd")
    DELAYED = "delayed", _("Försenad")
    CANCELLED = "cancelled", _("Avbruten")


class ActionPlan(Archivable):
    """A handlingsplan: decided by the board, with a budget, carried out through measures."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="action_plans",
                              verbose_name=_("nämnd"))
    title = models.CharField(_("rubrik"), max_length=300)
    registration_number = models.CharField(_("diarienummer"), max_length=64, blank=True)
    decided_on = models.DateField(_("beslutad"), null=True, blank=True)
    budget_sek = models.DecimalField(_("budget (kr)"), max_digits=14, decimal_places=0, default=0)
    purpose = models.TextField(_("syfte"), blank=True)

    class Meta:
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        ordering = ["-decided_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Risk(Archivable):
    """A risk in the register (SOSFS 2011:9 5 kap. 1 §; AFS 2015:4 on workload).

    Likelihood and consequence on a 1-4 scale; score = likelihood x consequence.
    """

    class Source(models.TextChoices):
        QUALITY = "quality", _("Kvalitet (SOSFS 2011:9)")
        WORK_ENVIRONMENT = "work_environment", _("Arbetsmiljö (AFS 2015:4)")
        WORKLOAD = "workload", _("Arbetsbelastning (riskbedömning)")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="risks", verbose_name=_("nämnd"))
    title = models.CharField(_("risk"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    source = models.CharField(_("område"), max_length=32, choices=Source.choices, default=Source.QUALITY)
    likelihood = models.PositiveSmallIntegerField(_("sannolikhet (1-4)"),
                                                  validators=[MinValueValidator(1), MaxValueValidator(4)])
    consequence = models.PositiveSmallIntegerField(_("konsekvens (1-4)"),
                                                   validators=[MinValueValidator(1), MaxValueValidator(4)])
    owner = models.CharField(_("riskägare (funktion)"), max_length=120)
    review_on = models.DateField(_("nästa översyn"))
    org_unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("organisatorisk enhet"))

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risker")
        ordering = ["-likelihood", "-consequence", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def level(self) -> str:
        """Return low / medium / high / critical by score (1-3, 4-6, 8-9, 12-16)."""
        return risk_level(self.score)


def risk_level(score: int) -> str:
    """Return the risk level of a likelihood x consequence score on the 4 x 4 matrix."""
    if score >= 12:
        return "critical"
    if score >= 8:
        return "high"
    if score >= 4:
        return "medium"
    return "low"


RISK_LEVEL_LABELS = {"low": _("Låg"), "medium": _("Medel"), "high": _("Hög"), "critical": _("Mycket hög")}


class Measure(Archivable):
    """A measure (åtgärd) of an action plan: how, expected result, when, cost, who, status."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("åtgärd"), max_length=300)
    how = models.TextField(_("hur"))
    expected_result = models.TextField(_("förväntat resultat"))
    due_on = models.DateField(_("när"))
    cost_sek = models.DecimalField(_("kostnad (kr)"), max_digits=14, decimal_places=0, default=0)
    responsible = models.CharField(_("ansvarig (funktion)"), max_length=120)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    goals = models.ManyToManyField(Goal, blank=True, related_name="measures", verbose_name=_("mål"))
    kpis = models.ManyToManyField(Kpi, blank=True, related_name="measures", verbose_name=_("mätetal"))
    risks = models.ManyToManyField(Risk, blank=True, related_name="measures", verbose_name=_("risker"))

    class Meta:
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="measure_plan_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class FollowUp(models.Model):
    """A dated, attributed follow-up note on a measure, with the status it reported."""

    objects = NoDeleteQuerySet.as_manager()

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="follow_ups")
    on = models.DateField(_("datum"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    note = models.TextField(_("uppföljning"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["measure", "-on", "-pk"]

    def delete(self, *args, **kwargs):
        raise PermissionError("follow-ups are never deleted")

    def __str__(self) -> str:
        return f"Uppföljning {self.on} av {self.measure}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Varje månad")
    QUARTERLY = "quarterly", _("Varje kvartal")
    HALF_YEARLY = "half_yearly", _("Varje halvår")
    YEARLY = "yearly", _("Varje år")


FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


class SelfInspectionCheck(Archivable):
    """A check in the self-inspection plan (egenkontroll, SOSFS 2011:9 5 kap. 2 §)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manuell granskning")
        DEADLINES = "deadlines", _("Egenkontroll av frister (Stabils rapport)")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="checks", verbose_name=_("nämnd"))
    name = models.CharField(_("kontroll"), max_length=300)
    method = models.TextField(_("hur kontrollen görs"), blank=True)
    kind = models.CharField(_("slag"), max_length=16, choices=Kind.choices, default=Kind.MANUAL)
    frequency = models.CharField(_("hur ofta"), max_length=16, choices=Frequency.choices)
    responsible = models.CharField(_("ansvarig (funktion)"), max_length=120)
    first_due_on = models.DateField(_("första gång"))

    class Meta:
        verbose_name = _("egenkontroll")
        verbose_name_plural = _("egenkontroller")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SelfInspectionResult(models.Model):

    objects = NoDeleteQuerySet.as_manager()
    check_item = models.ForeignKey(SelfInspectionCheck, on_delete=models.PROTECT, related_name="results")
    performed_on = models.DateField(_("utförd"))
    passed = models.BooleanField(_("utan avvikelse"))
    deviations = models.PositiveIntegerField(_("antal avvikelser"), default=0)
    summary = models.TextField(_("resultat"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resultat av egenkontroll")
        verbose_name_plural = _("resultat av egenkontroller")
        ordering = ["check_item", "-performed_on", "-pk"]

    def delete(self, *args, **kwargs):
        raise PermissionError("results are never deleted")

    def __str__(self) -> str:
        return f"Resultat {self.performed_on} av {self.check_item}"


for _model in (Board, Scorecard, Perspective, Goal, Kpi, KpiTarget, KpiEntry, ActionPlan, Risk, Measure,
               FollowUp, SelfInspectionCheck, SelfInspectionResult):
    auditlog.register(_model, m2m_fields={"goals", "kpis", "risks"} if _model is Measure else None)
