from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import action_choices


class AccessSearchForm(forms.Form):
    username = forms.CharField(label=_("Användare"), required=False)
    object_id = forms.CharField(label=_("Ärende- eller person-id"), required=False)
    action = forms.ChoiceField(label=_("Händelse"), required=False,
                               choices=[("", _("Alla")), *action_choices()])
    from_on = forms.DateField(label=_("Från och med"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    to_on = forms.DateField(label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
