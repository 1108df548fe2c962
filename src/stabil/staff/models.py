"""Staff: the people who do the casework, employees and agency consultants alike.

A ``StaffMember`` is identified by ``staff_id`` (the HR system's id), never by a personal identity number.
Absence spells are stored one row per occasion; reports derive sick-leave bands from them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    CASEWORKER = "caseworker", _("Socialsekreterare")
    TEAM_LEAD = "team_lead", _("Arbetsledare")
    SPECIALIST = "specialist", _("Specialisthandläggare")
    UNIT_MANAGER = "unit_manager", _("Enhetschef")
    ADMINISTRATOR = "administrator", _("Administratör")


class Employment(models.TextChoices):
    PERMANENT = "permanent", _("Tillsvidareanställd")
    TEMPORARY = "temporary", _("Visstidsanställd/vikarie")
    CONSULTANT = "consultant", _("Inhyrd konsult")
    TRAINEE = "trainee", _("Trainee")
    SUMMER_TEMP = "summer_temp", _("Sommarvikarie")


class Degree(models.TextChoices):
    SOCIONOM = "socionom", _("Socionomexamen")
    OTHER_RELEVANT = "other_relevant", _("Annan relevant examen")
    FOREIGN_RECOGNISED = "foreign_recognised", _("Erkänd utländsk examen")
    NONE = "none", _("Ingen relevant examen")


class ExitReason(models.TextChoices):
    WORKLOAD = "workload", _("Arbetsbelastning")
    PAY = "pay", _("Lön")
    LEADERSHIP = "leadership", _("Ledarskap")
    CAREER = "career", _("Karriär")
    COMPETING_EMPLOYER = "competing_employer", _("Konkurrerande arbetsgivare")
    STUDIES = "studies", _("Studier")
    RETIREMENT = "retirement", _("Pension")
    OTHER = "other", _("Annat")


class StaffMember(models.Model):
    staff_id = models.CharField(_("personal-id"), max_length=64, unique=True)
    name = models.CharField(_("namn"), max_length=120, blank=True)
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="staff_members",
                             verbose_name=_("enhet"))
    team = models.ForeignKey("organisation.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff_members", verbose_name=_("team"))
    role = models.CharField(_("roll"), max_length=32, choices=StaffRole.choices, default=StaffRole.CASEWORKER)
    employment = models.CharField(_("anställningsform"), max_length=32, choices=Employment.choices,
                                  default=Employment.PERMANENT)
    fte = models.DecimalField(_("sysselsättningsgrad"), max_digits=4, decimal_places=2, default=1)
    degree = models.CharField(_("examen"), max_length=32, choices=Degree.choices, default=Degree.SOCIONOM)
    experience_years = models.DecimalField(
        _("relevant erfarenhet vid start (år)"), max_digits=5, decimal_places=2, default=0
    )
    started_on = models.DateField(_("startdatum"))
    ended_on = models.DateField(_("slutdatum"), null=True, blank=True)
    exit_reason = models.CharField(_("avgångsorsak"), max_length=32, choices=ExitReason.choices, blank=True)
    monthly_cost_sek = models.DecimalField(_("månadskostnad (kr)"), max_digits=10, decimal_places=0, default=0)
    mentor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentees",
                               verbose_name=_("mentor"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff_member", verbose_name=_("användarkonto"))

    class Meta:
        verbose_name = _("medarbetare")
        verbose_name_plural = _("medarbetare")
        ordering = ["staff_id"]

    def __str__(self) -> str:
        return self.name or self.staff_id

    @property
    def display(self) -> str:
        """How pages show a person: "Anna Berg (M1030)", or the staff id alone when no name is known."""
        return person_label(self.staff_id, self.name)


def person_label(staff_id: str, name: str = "") -> str:
    """The one display of a person from a staff id and a name: "Anna Berg (M1030)", or "M1030"."""
    if not staff_id:
        return name or ""
    return f"{name} ({staff_id})" if name else staff_id


class AbsenceKind(models.TextChoices):
    SICK = "sick", _("Sjukfrånvaro")
    PARENTAL = "parental", _("Föräldraledighet")
    VACATION = "vacation", _("Semester")
    OTHER = "other", _("Annan frånvaro")


class Absence(models.Model):
    """One absence occasion: first and last day (inclusive) and extent as a fraction of full time."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("slag"), max_length=16, choices=AbsenceKind.choices)
    first_day = models.DateField(_("första dag"))
    last_day = models.DateField(_("sista dag"))
    extent = models.DecimalField(_("omfattning"), max_digits=3, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("frånvaro")
        verbose_name_plural = _("frånvaro")
        ordering = ["staff", "first_day"]
        indexes = [models.Index(fields=["kind", "first_day", "last_day"])]
        constraints = [
            models.UniqueConstraint(fields=["staff", "kind", "first_day"], name="absence_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.kind} {self.first_day}–{self.last_day}"


# --- Dated history, exit interviews, overtime, staffing budget (issue 5) -----------------------


class StaffChange(models.Model):
    """A person's situation from ``valid_from`` until the next change (or the end of employment).

    The ``StaffMember`` row holds the current situation; these rows keep the past ones so that a
    report for an earlier period uses the unit, team, role, employment, FTE and cost of that period.
    """

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="changes")
    valid_from = models.DateField(_("gäller från"))
    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("enhet"))
    team = models.ForeignKey("organisation.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("team"))
    role = models.CharField(_("roll"), max_length=32, choices=StaffRole.choices)
    employment = models.CharField(_("anställningsform"), max_length=32, choices=Employment.choices)
    fte = models.DecimalField(_("sysselsättningsgrad"), max_digits=4, decimal_places=2)
    monthly_cost_sek = models.DecimalField(_("månadskostnad (kr)"), max_digits=10, decimal_places=0)
    recorded_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("förändring")
        verbose_name_plural = _("förändringar")
        ordering = ["staff", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["staff", "valid_from"], name="staff_change_unique_day")]

    def __str__(self) -> str:
        # The staff id, not the name: the change log keeps this text after a name is removed (retention).
        return f"Förändring för {self.staff.staff_id} från {self.valid_from}"


class ExitInterview(models.Model):
    """An exit interview (avgångsintervju): the main reason, other reasons and free text."""

    staff = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="exit_interview")
    held_on = models.DateField(_("datum"))
    main_reason = models.CharField(_("huvudsaklig orsak"), max_length=32, choices=ExitReason.choices)
    other_reasons = models.JSONField(_("andra orsaker"), default=list, blank=True)
    comment = models.TextField(_("kommentar"), blank=True, max_length=4000)
    would_return = models.BooleanField(_("kan tänka sig att komma tillbaka"), null=True, blank=True)

    class Meta:
        verbose_name = _("avgångsintervju")
        verbose_name_plural = _("avgångsintervjuer")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Avgångsintervju med {self.staff.staff_id} {self.held_on}"

    def other_reasons_display(self) -> list[str]:
        """Return the other reasons as their names ("Ledarskap"), not their codes ("leadership")."""
        return [str(ExitReason(code).label) if code in ExitReason.values else code for code in self.other_reasons]


class OvertimeKind(models.TextChoices):
    FILL_IN = "fill_in", _("Fyllnadstid")
    OVERTIME = "overtime", _("Övertid")


class Overtime(models.Model):
    """Hours of fill-in time or overtime worked on a day (seed 001 table 5)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="overtime")
    worked_on = models.DateField(_("datum"))
    kind = models.CharField(_("slag"), max_length=16, choices=OvertimeKind.choices)
    hours = models.DecimalField(_("timmar"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("övertid/fyllnadstid")
        verbose_name_plural = _("övertid/fyllnadstid")
        constraints = [models.UniqueConstraint(fields=["staff", "worked_on", "kind"], name="overtime_unique_day")]
        indexes = [models.Index(fields=["worked_on"])]


class UnitStaffing(models.Model):
    """A unit's budgeted positions (FTE) from a date: filled positions below it are vacancies."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.CASCADE, related_name="staffing")
    valid_from = models.DateField(_("gäller från"))
    budgeted_fte = models.DecimalField(_("budgeterade tjänster (årsarbetare)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("bemanningsbudget")
        verbose_name_plural = _("bemanningsbudgetar")
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_staffing_unique_day")]

    def __str__(self) -> str:
        return f"Bemanningsbudget för {self.unit} från {self.valid_from}"


# --- Competence model: levels over municipality-defined knowledge areas --------------------


class CompetenceLevel(models.IntegerChoices):
    BASIC = 1, _("Grundläggande")
    GOOD = 2, _("God")
    VERY_GOOD = 3, _("Mycket god")


class KnowledgeArea(models.Model):
    """A knowledge area the municipality assesses (Västerås had eleven), with the level it expects."""

    code = models.CharField(_("kod"), max_length=32, unique=True)
    name = models.CharField(_("namn"), max_length=120)
    target_level = models.PositiveSmallIntegerField(_("förväntad nivå"), choices=CompetenceLevel.choices,
                                                    default=CompetenceLevel.GOOD)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("kunskapsområde")
        verbose_name_plural = _("kunskapsområden")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class CompetenceAssessment(models.Model):
    """A person's level in one knowledge area, as assessed on a date (e.g. in the appraisal talk)."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="assessments")
    area = models.ForeignKey(KnowledgeArea, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("bedömd"))
    level = models.PositiveSmallIntegerField(_("nivå"), choices=CompetenceLevel.choices)

    class Meta:
        verbose_name = _("kompetensbedömning")
        verbose_name_plural = _("kompetensbedömningar")
        ordering = ["staff", "area", "-assessed_on"]
        constraints = [models.UniqueConstraint(fields=["staff", "area", "assessed_on"],
                                               name="assessment_unique_day")]

    def __str__(self) -> str:
        return f"Kompetensbedömning av {self.staff.staff_id} i {self.area} {self.assessed_on}"


class DevelopmentPlan(models.Model):
    """A dated development goal for a person in a knowledge area, and when it is to be reached."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="development_plans")
    area = models.ForeignKey(KnowledgeArea, on_delete=models.PROTECT, related_name="plans")
    planned_on = models.DateField(_("upprättad"))
    target_level = models.PositiveSmallIntegerField(_("målnivå"), choices=CompetenceLevel.choices)
    due_on = models.DateField(_("klart senast"))
    activity = models.CharField(_("aktivitet"), max_length=300)
    done_on = models.DateField(_("genomförd"), null=True, blank=True)

    class Meta:
        verbose_name = _("utvecklingsplan")
        verbose_name_plural = _("utvecklingsplaner")
        ordering = ["staff", "due_on"]

    def __str__(self) -> str:
        return f"Utvecklingsplan för {self.staff.staff_id} i {self.area} {self.planned_on}"
