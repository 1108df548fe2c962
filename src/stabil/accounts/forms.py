"""Forms of the system administrator's user pages. The rules are in services.py; these only collect input."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from stabil.organisation.selectors import teams, units

from .models import Role


class UserRightsFields(forms.Form):
    """Role, units, team and active flag: what decides what a user sees."""

    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter"), required=False, queryset=units().none(), to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Användaren ser ärenden och personal i de här enheterna, enligt sin roll."))
    team = forms.ModelChoiceField(label=_("Team"), required=False, queryset=teams().none(), to_field_name="code",
                                  empty_label=_("Inget team"), help_text=_("Teamet ska höra till en av enheterna."))
    is_active = forms.BooleanField(label=_("Aktivt konto"), required=False, initial=True,
                                   help_text=_("Ett inaktivt konto kan inte logga in."))

    def __init__(self, *args, keep_units=(), keep_team=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Closed units and teams are offered only to those who already have them.
        keep_unit_ids = [u.pk for u in keep_units]
        self.fields["units"].queryset = (units().filter(active=True) | units().filter(pk__in=keep_unit_ids)
                                         ).select_related("department").order_by("code").distinct()
        self.fields["units"].label_from_instance = lambda unit: f"{unit.code} – {unit.name}"
        offered = teams().filter(active=True)
        if keep_team is not None:
            offered = offered | teams().filter(pk=keep_team.pk)
        self.fields["team"].queryset = offered.select_related("unit").order_by("code").distinct()
        self.fields["team"].label_from_instance = lambda team: f"{team.code} – {team.name} ({team.unit.code})"

    def rights(self) -> dict:
        data = self.cleaned_data
        return {"role": data["role"], "unit_codes": [u.code for u in data["units"]],
                "team_code": data["team"].code if data["team"] else None, "is_active": data["is_active"]}


class PersonFields(forms.Form):
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    # Which identity at the municipality's IdP opens this account (issue 15; accounts/sso.py).
    sso_subject = forms.CharField(
        label=_("Id i kommunens inloggning"), max_length=255, required=False,
        help_text=_("Värdet som kommunens inloggningstjänst skickar för personen (till exempel sub eller "
                    "anställnings-id). Lämna tomt om personen inte ska logga in med kommunens konto."))


class UserCreateForm(PersonFields, UserRightsFields):
    username = forms.CharField(label=_("Användarnamn"), max_length=150,
                               help_text=_("Bokstäver, siffror och @ . + - _"))
    password1 = forms.CharField(label=_("Första lösenord"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=password_validation.password_validators_help_text_html())
    password2 = forms.CharField(label=_("Upprepa lösenordet"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    field_order = ["username", "first_name", "last_name", "email", "sso_subject", "role", "units", "team",
                   "is_active", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.STABIL_LOCAL_LOGIN:
            # Nobody logs in with a password: the account gets none (services.user_create).
            for name in ("password1", "password2"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Inloggning med lösenord är avstängd; lämna tomt.")

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Lösenorden är inte lika."))
        return cleaned


class UserEditForm(PersonFields, UserRightsFields):
    field_order = ["first_name", "last_name", "email", "sso_subject", "role", "units", "team", "is_active"]

    def __init__(self, *args, user, own: bool, **kwargs):
        initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
                   "sso_subject": user.sso_subject or "",
                   "role": user.role, "units": list(user.units.all()), "team": user.team,
                   "is_active": user.is_active}
        super().__init__(*args, initial=initial, keep_units=initial["units"], keep_team=user.team, **kwargs)
        if own:
            # Nobody changes their own rights; the service refuses it too (services.user_update).
            for name in ("role", "units", "team", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Du kan inte ändra det här för ditt eget konto.")
