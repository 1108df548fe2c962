"""Users and their roles. What each role may see is decided in ``policy.py``, nowhere else."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Socialsekreterare")
    TEAM_LEAD = "team_lead", _("Arbetsledare")
    UNIT_MANAGER = "unit_manager", _("Enhetschef")
    DEPARTMENT_HEAD = "department_head", _("Avdelningschef")
    HR = "hr", _("HR")
    BOARD_MEMBER = "board_member", _("Nämndledamot")
    SYSADMIN = "sysadmin", _("Systemadministratör")
    # Record-keeping (issue 15): they read the access log and the destruction lists, no case or staff page.
    DPO = "dpo", _("Dataskyddsombud")
    ARCHIVIST = "archivist", _("Arkivansvarig")


class User(AbstractUser):
    """A person who logs in to Stabil, with one role and the units they belong to."""

    role = models.CharField(_("roll"), max_length=32, choices=Role.choices, default=Role.CASEWORKER)
    units = models.ManyToManyField("organisation.Unit", blank=True, related_name="users", verbose_name=_("enheter"))
    team = models.ForeignKey(
        "organisation.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="users",
        verbose_name=_("team"),
    )
    # The value of the claim that identifies this person at the municipality's identity provider
    # (STABIL_OIDC_USER_CLAIM, e.g. ``sub`` or an employee id); set by the system administrator. A log-in
    # through the IdP opens the account whose value matches exactly, and no other (stabil.accounts.sso).
    sso_subject = models.CharField(
        _("id i kommunens inloggning"), max_length=255, unique=True, null=True, blank=True,
        help_text=_("Värdet som kommunens inloggningstjänst skickar för personen (till exempel sub eller "
                    "anställnings-id). Lämna tomt om personen inte ska logga in med kommunens konto."),
    )
    digest_enabled = models.BooleanField(
        _("daglig sammanställning per e-post"), default=True,
        help_text=_("Skicka varje morgon en sammanställning av frister som närmar sig eller har passerats."),
    )

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # Rights come from the role alone (policy.py). Nobody is staff or superuser: Django grants a
        # superuser every ``has_perm``, and Stabil has no admin site that staff status would open.
        self.is_staff = False
        self.is_superuser = False
        super().save(*args, **kwargs)
