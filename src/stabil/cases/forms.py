"""Forms of the cases pages: the quick event form, deadline-list filters and the self-inspection period."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stabil.core.caseflow import EVENT_KINDS, OUTCOMES

from .labels import EVENT_LABELS, INTERVENTION_LABELS, OUTCOME_LABELS, PHASE_LABELS, STATUS_LABELS  # noqa: F401
from .models import DEADLINE_SETTING_FIELDS, Category, DeadlineKind, DeadlineSettings, ReporterKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# The fields each event kind uses besides its date and reason (the rules of core.events.check_event_fields).
_EVENT_EXTRA_FIELDS = {
    "handler_assigned": ("staff_id",), "co_handler_assigned": ("staff_id",),
    "investigation_extended": ("until",),
    "intervention_started": ("intervention",), "intervention_ended": ("intervention",),
    "placement_reviewed": ("intervention",),
    **{kind: ("outcome",) for kind in OUTCOMES},
}


class EventForm(forms.Form):
    """The quick form a caseworker uses to record one event.

    The page shows only the fields the chosen event uses (``shown_fields``); choosing another event
    re-renders them with htmx (``views.event_form_fields``). All fields stay in the form, so a post
    without the hidden ones is the same as one with them empty.
    """

    kind = forms.ChoiceField(label=_("Händelse"), choices=[(k, EVENT_LABELS[k]) for k in EVENT_KINDS])
    on = forms.DateField(label=_("Datum"), widget=DateInput(), input_formats=["%Y-%m-%d"])
    staff_id = forms.CharField(label=_("Personal-id (handläggare)"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("Utfall"), required=False,
                                choices=[("", "—")] + list(OUTCOME_LABELS.items()))
    until = forms.DateField(label=_("Nytt slutdatum (förlängning)"), required=False, widget=DateInput(),
                            input_formats=["%Y-%m-%d"])
    intervention = forms.ChoiceField(label=_("Insats"), required=False,
                                     choices=[("", "—")] + list(INTERVENTION_LABELS.items()))
    reason = forms.CharField(label=_("Skäl / rättslig grund"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def chosen_kind(self) -> str:
        kind = self["kind"].value() or EVENT_KINDS[0]
        return kind if kind in EVENT_LABELS else EVENT_KINDS[0]

    def shown_fields(self):
        """The bound fields the chosen event uses, besides the event kind itself."""
        names = {"on", "reason", *_EVENT_EXTRA_FIELDS.get(self.chosen_kind(), ())}
        return [self[name] for name in self.fields if name in names]


class DeadlineFilterForm(forms.Form):
    """Filters of the deadline list."""

    unit = forms.ChoiceField(label=_("Enhet"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    staff = forms.CharField(label=_("Handläggare (personal-id)"), required=False, max_length=64)
    kind = forms.ChoiceField(label=_("Frist"), required=False, choices=[("", _("Alla"))] + list(DeadlineKind.choices))
    horizon = forms.IntegerField(label=_("Horisont (arbetsdagar)"), required=False, min_value=0, max_value=250)

    def __init__(self, *args, units=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Alla"))] + [(u.code, str(u)) for u in units]
        self.fields["team"].choices = [("", _("Alla"))] + [(t.code, t.name) for t in teams]


class PeriodForm(forms.Form):
    """The self-inspection period and unit."""

    due_from = forms.DateField(label=_("Från (förfallodag)"), widget=DateInput(), input_formats=["%Y-%m-%d"])
    due_to = forms.DateField(label=_("Till (förfallodag)"), widget=DateInput(), input_formats=["%Y-%m-%d"])
    unit = forms.ChoiceField(label=_("Enhet"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Alla synliga"))] + [(u.code, str(u)) for u in units]

    def clean(self):
        data = super().clean()
        if data.get("due_from") and data.get("due_to") and data["due_to"] < data["due_from"]:
            raise forms.ValidationError(_("Till-datumet är före från-datumet."))
        return data


class DeadlineSettingsForm(forms.ModelForm):
    """The municipality's deadline choices; the legal limits themselves are not on the form."""

    class Meta:
        model = DeadlineSettings
        fields = DEADLINE_SETTING_FIELDS

    def clean(self):
        data = super().clean()
        days = data.get("first_contact_working_days")
        if days is not None and not 1 <= days <= 30:
            self.add_error("first_contact_working_days", _("Ange mellan 1 och 30 arbetsdagar."))
        if (data.get("protection_assessment_days") or 0) > 1:
            self.add_error("protection_assessment_days",
                           _("Skyddsbedömningen ska göras genast: samma dag (0) eller senast nästa dag (1)."))
        if (data.get("warning_working_days") or 0) > 30:
            self.add_error("warning_working_days", _("Ange högst 30 arbetsdagar."))
        return data


class CaseSearchForm(forms.Form):
    """Find a case by its id or its child's id (exact, or the start of an id)."""

    q = forms.CharField(
        label=_("Ärende-id eller barn-id"), required=False, max_length=64, strip=True,
        error_messages={"max_length": _("Sökordet får vara högst %(limit_value)d tecken (det har %(show_value)d).")},
    )


class ReportForm(forms.Form):
    """A new report about a child (issue 13): the case, the child's pseudonymous id, who reported and when.

    The form checks only the shape of each value; the rules (personnummer, scope, stored child) are the
    import's, applied by ``services.case_register_report``.
    """

    case_id = forms.CharField(label=_("Ärende-id"), required=False, max_length=64,
                              help_text=_("Lämna tomt så skapar Stabil ett: ENHET-ÅR-löpnummer."))
    child_id = forms.CharField(label=_("Barn-id (pseudonym)"), max_length=64,
                               help_text=_("Aldrig namn eller personnummer."))
    birth_date = forms.DateField(label=_("Barnets födelsedatum"), widget=DateInput(), input_formats=["%Y-%m-%d"],
                                 help_text=_("ÅÅÅÅ-MM-DD"))
    category = forms.ChoiceField(label=_("Kategori"), choices=Category.choices)
    unit = forms.ChoiceField(label=_("Enhet"))
    received_on = forms.DateField(label=_("Anmälan inkom"), widget=DateInput(), input_formats=["%Y-%m-%d"],
                                  help_text=_("ÅÅÅÅ-MM-DD"))
    reporter_kind = forms.ChoiceField(label=_("Anmälare"), choices=ReporterKind.choices)
    feedback_requested = forms.BooleanField(label=_("Anmälaren vill ha återkoppling"), required=False)
    take_case = forms.BooleanField(label=_("Jag blir handläggare för ärendet"), required=False, initial=True)

    def __init__(self, *args, units=(), can_take=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_take:  # no staff record linked to the account: nobody to assign
            del self.fields["take_case"]
        self.fields["unit"].choices = [(u.code, f"{u.code} {u.name}".strip()) for u in units]
        self.fields["received_on"].initial = timezone.localdate()
