from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from stabil.common.parsing import id_problem


class ExtractForm(forms.Form):
    """Whose log extract: a child (by child id) or a staff member (by staff id)."""

    kind = forms.ChoiceField(label=_("Loggutdrag för"), choices=[("barn", _("Barn (barn-id)")),
                                                               ("personal", _("Medarbetare (personal-id)"))])
    subject_id = forms.CharField(label=_("Id"), max_length=64)

    def clean_subject_id(self):
        value = self.cleaned_data["subject_id"].strip()
        problem = id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class ReviewStartForm(forms.Form):
    """Which month to follow up (a month that has ended)."""

    month = forms.CharField(label=_("Månad (ÅÅÅÅ-MM)"), max_length=7,
                            widget=forms.TextInput(attrs={"placeholder": "2026-05", "inputmode": "numeric"}))

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        if len(value) != 7 or value[4] != "-" or not value.replace("-", "").isascii() \
                or not value.replace("-", "").isdigit() or not 1 <= int(value[5:]) <= 12 \
                or not 2000 <= int(value[:4]) <= 2200:
            raise forms.ValidationError(_("Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-05."))
        return date(int(value[:4]), int(value[5:]), 1)


class EntryMarkForm(forms.Form):
    comment = forms.CharField(label=_("Kommentar: vad granskningen visade"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label=_("Uppföljning (vad ska göras, av vem; tomt om ingen behövs)"), max_length=2000,
                                required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProtectedForm(forms.Form):
    child_id = forms.CharField(label=_("Barn-id"), max_length=64)

    def clean_child_id(self):
        value = self.cleaned_data["child_id"].strip()
        problem = id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value
