from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from stabil.accounts.policy import API_SCOPES
from stabil.organisation.selectors import units

from .models import ApiEvent


class ClientCreateForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100, help_text=_("T.ex. systemets namn: Treserva, HR-systemet."))
    owner = forms.CharField(label=_("Ansvarig"), max_length=200,
                            help_text=_("Vem som ansvarar för integrationen (person eller funktion)."))
    scopes = forms.MultipleChoiceField(label=_("Behörigheter"), widget=forms.CheckboxSelectMultiple,
                                       choices=[(key, format_lazy("{}: {}", key, text))
                                                for key, text in API_SCOPES.items()])
    units = forms.MultipleChoiceField(label=_("Enheter"), widget=forms.CheckboxSelectMultiple, required=False,
                                      help_text=_("Klienten läser och skriver bara ärenden och personal i dessa enheter."))
    expires_on = forms.DateField(label=_("Gäller till och med"), required=False,
                                 help_text=_("ÅÅÅÅ-MM-DD; tomt = tills vidare."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.code, f"{u.code} {u.name}") for u in units().order_by("code")]


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Adress"), max_length=500, assume_scheme="https",
                         help_text=_("https-adressen som tar emot händelserna."))
    kinds = forms.MultipleChoiceField(label=_("Händelser"), widget=forms.CheckboxSelectMultiple, required=False,
                                      help_text=_("Inget val = alla händelser."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(value, f"{value}: {label}") for value, label in ApiEvent.Kind.choices]
