"""Forms of the system administrator's organisation pages; the rules are in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, Unit

CODE_HELP = _("Högst 32 tecken: A–Z, a–z, 0–9, '-' och '_'. Koden kan inte ändras senare.")


class DepartmentForm(forms.Form):
    code = forms.CharField(label=_("Kod"), max_length=32, help_text=CODE_HELP)
    name = forms.CharField(label=_("Namn"), max_length=120)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Kod"), max_length=32, help_text=CODE_HELP)
    name = forms.CharField(label=_("Namn"), max_length=120)
    department = forms.ModelChoiceField(label=_("Avdelning"), queryset=Department.objects.order_by("name"),
                                        to_field_name="code", empty_label=None)
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True,
                                help_text=_("En stängd enhet behåller sin historik men kan inte tilldelas "
                                            "användare eller nya team."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
        else:
            del self.fields["active"]


class TeamForm(forms.Form):
    code = forms.CharField(label=_("Kod"), max_length=32, help_text=CODE_HELP)
    name = forms.CharField(label=_("Namn"), max_length=120)
    unit = forms.ModelChoiceField(label=_("Enhet"), queryset=Unit.objects.filter(active=True).order_by("code"),
                                  to_field_name="code", empty_label=None,
                                  help_text=_("Enheten kan inte ändras senare."))
    active = forms.BooleanField(label=_("Aktivt"), required=False, initial=True,
                                help_text=_("Ett stängt team behåller sin historik men kan inte tilldelas användare."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
            del self.fields["unit"]
        else:
            del self.fields["active"]
