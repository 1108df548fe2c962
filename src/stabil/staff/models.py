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
