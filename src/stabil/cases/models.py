"""Cases (ärenden) about children, as the events of their lives.

The child is a pseudonymous id with a birth date, never a name. A case's deadlines are derived from its
events by ``stabil.core`` rules; nothing about a deadline is typed in by hand.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    BARN = "barn", _("Barn")
    UNGDOM = "ungdom", _("Ungdom")
    ENSAMKOMMANDE = "ensamkommande", _("Ensamkommande barn")


class ReporterKind(models.TextChoices):
    """Who made the report (socialtjänstlagen: who reports matters for feedback and follow-up)."""

    POLICE = "police", _("Polis")
    SCHOOL = "school", _("Skola")
    HEALTH_CARE = "health_care", _("Hälso- och sjukvård")
    PRESCHOOL = "preschool", _("Förskola")
    RELATIVE = "relative", _("Anhörig")
    CHILD = "child", _("Barnet självt")
    OTHER_AUTHORITY = "other_authority", _("Annan myndighet")
    ANONYMOUS = "anonymous", _("Anonym")


class Child(models.Model):
    """A child, pseudonymous: an id from the case management system and a birth date for age groups."""

    child_id = models.CharField(_("barn-id"), max_length=64, unique=True)
    birth_date = models.DateField(_("födelsedatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("barn")
        verbose_name_plural = _("barn")

    def __str__(self) -> str:
        return self.child_id


class Case(models.Model):
    case_id = models.CharField(_("ärende-id"), max_length=64, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("barn"))
    category = models.CharField(_("kategori"), max_length=16, choices=Category.choices)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="cases",
                             verbose_name=_("enhet"))
    main_handler = models.ForeignKey("staff.StaffMember", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="main_cases", verbose_name=_("handläggare"))
    co_handler = models.ForeignKey("staff.StaffMember", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="co_cases", verbose_name=_("medhandläggare"))
    # Who made the first report (registered in the web form); empty for imported cases. A database
    # default, because the import inserts cases with raw SQL naming only its own columns.
    reporter_kind = models.CharField(_("anmälare"), max_length=20, blank=True, choices=ReporterKind.choices,
                                     db_default="")

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["case_id"]

    def __str__(self) -> str:
        return self.case_id

    @property
    def public_id(self) -> str:
        return self.case_id


class CaseEvent(models.Model):
    """One event in a case's life, dated (a Europe/Stockholm calendar date)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("händelse"), max_length=32)
    on = models.DateField(_("datum"))
    staff = models.ForeignKey("staff.StaffMember", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="case_events")
    outcome = models.CharField(_("utfall"), max_length=32, blank=True)
    until = models.DateField(_("till och med"), null=True, blank=True)
    intervention = models.CharField(_("insats"), max_length=32, blank=True)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("ärendehändelse")
        verbose_name_plural = _("ärendehändelser")
        ordering = ["case", "on", "pk"]
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.on}"


class DeadlineKind(models.TextChoices):
    PROTECTION_ASSESSMENT = "protection_assessment", _("Skyddsbedömning")
    PRELIMINARY_ASSESSMENT = "preliminary_assessment", _("Förhandsbedömning")
    INVESTIGATION = "investigation", _("Utredning")
    FIRST_CONTACT = "first_contact", _("Första kontakt")
    CARE_PLAN = "care_plan", _("Vårdplan")
    FOSTER_HOME_APPROVAL = "foster_home_approval", _("Familjehemsbeslut")
    PLACEMENT_REVIEW = "placement_review", _("Övervägande av placering")
    REPORTER_FEEDBACK = "reporter_feedback", _("Återkoppling till anmälare")


class Deadline(models.Model):
    """A case's deadline, materialised from its events by ``stabil.core.caseflow``.

    Recomputed by ``services`` whenever a case's events change (never typed in). ``settled`` is
    ``met``/``missed`` once decided for good; empty while the deadline is pending, in which case
    its status on a day is ``open`` up to ``due_on`` and ``overdue`` after it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    # The case's unit, copied here by the recomputation (``services._store_derived``) so that a unit's
    # pending deadlines are read through one small index, without visiting the unit's history of cases
    # (issue 16). Always the case's unit: every write of deadlines stores it (nothing changes a stored case's
    # unit today; a move must recompute the case, ``services.recompute_cases``, which restates it). What a
    # user may see is still decided by the case's own unit (the readers check the case); this is an index key.
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", db_index=False,
                             verbose_name=_("enhet"))
    kind = models.CharField(_("frist"), max_length=32, choices=DeadlineKind.choices)
    started_on = models.DateField(_("startdatum"))
    due_on = models.DateField(_("förfallodag"))
    met_on = models.DateField(_("uppfylld"), null=True, blank=True)
    settled = models.CharField(_("avgjord"), max_length=8, blank=True)
    # Left empty by the recomputation (the case page explains each deadline live from the events).
    why = models.CharField(_("förklaring"), max_length=1000, blank=True)
    source = models.CharField(_("källa"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["settled", "due_on"], name="cases_deadline_pending"),
            models.Index(fields=["due_on", "kind"], name="cases_deadline_due"),
            # The pending deadlines (issue 16): few beside a long history, and all that the deadline list,
            # "Mina ärenden" and the workload read. By due date for the list's order, by case for a unit's.
            models.Index(fields=["due_on", "case"], condition=models.Q(settled=""), name="cases_deadline_open_due"),
            models.Index(fields=["case", "due_on"], condition=models.Q(settled=""), name="cases_deadline_open_case"),
            # A unit's pending deadlines by due date: the deadline list of a unit, the workload board.
            models.Index(fields=["unit", "due_on"], condition=models.Q(settled=""), name="cases_deadline_open_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.due_on}"

    def status_on(self, on) -> str:
        """Return met / missed / open / overdue as seen on ``on`` (a date on or after the last event)."""
        if self.settled:
            return self.settled
        return "open" if on <= self.due_on else "overdue"


class CaseState(models.Model):
    """A case's derived state (phase for workload, last event), kept with its deadlines."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="state", primary_key=True)
    # The case's unit, as on ``Deadline`` (issue 16): a unit's open cases are read through (unit, phase)
    # without visiting every case the unit ever had.
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+", db_index=False,
                             verbose_name=_("enhet"))
    phase = models.CharField(_("fas"), max_length=32, db_index=True)
    reported_on = models.DateField(_("anmäld"), null=True, blank=True)
    # Indexed: whether any case has an event after a day decides whether a list must replay any case
    # (``selectors.materialised_is_exact``).
    last_event_on = models.DateField(_("senaste händelse"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ärendestatus")
        verbose_name_plural = _("ärendestatus")
        indexes = [models.Index(fields=["unit", "phase"], name="cases_casestate_unit_phase")]



class DeadlineSettings(models.Model):
    """The municipality's choices about deadline arithmetic and local guarantees (one row).

    The legal limits themselves are not configurable; these are the choices ``core.deadlines.DeadlineConfig``
    documents. Changes are dated and attributed in the change log (django-auditlog), and every case's
    deadlines are recomputed when they change.
    """

    move_to_working_day = models.BooleanField(
        _("flytta frister som infaller på helgdag till nästa arbetsdag"), default=True,
        help_text=_("Lag (1930:173) 2 §. Av: räkna strikt i kalenderdagar."))
    protection_assessment_days = models.PositiveSmallIntegerField(
        _("skyddsbedömning senast antal dagar efter anmälan"), default=0,
        help_text=_("0 = samma dag; 1 = nästa dag (prop. 2012/13:10 s. 60, för anmälningar som kommer sent)."))
    # Off by default: "genast" is no period under lag (1930:173) (migration 0005, docs/deadlines.md).
    protection_assessment_moves = models.BooleanField(
        _("flytta även skyddsbedömningen till nästa arbetsdag"), default=False,
        help_text=_("Av (standard): skyddsbedömningen görs samma dag även helger och helgdagar, genom "
                    "socialjouren. På: den flyttas till nästa arbetsdag som fristerna."))
    first_contact_guarantee = models.BooleanField(
        _("tjänstegaranti för första kontakt"), default=True,
        help_text=_("Familjen kontaktas inom ett antal arbetsdagar från beslutet att inleda utredning."))
    first_contact_working_days = models.PositiveSmallIntegerField(_("första kontakt inom antal arbetsdagar"), default=7)
    warning_working_days = models.PositiveSmallIntegerField(
        _("varna antal arbetsdagar före förfallodagen"), default=3)
    changed_at = models.DateTimeField(_("ändrad"), auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("ändrad av"))

    class Meta:
        verbose_name = _("fristregler")
        verbose_name_plural = _("fristregler")

    def __str__(self) -> str:
        return str(_("Fristregler"))

    def config_values(self) -> dict:
        return {name: getattr(self, name) for name in DEADLINE_SETTING_FIELDS}


DEADLINE_SETTING_FIELDS = ("move_to_working_day", "protection_assessment_days", "protection_assessment_moves",
                           "first_contact_guarantee", "first_contact_working_days", "warning_working_days")
