"""The names of a case's event kinds, outcomes, interventions, deadline statuses and phases, for pages,
messages and downloads (the codes stay in files, the CLI and the API)."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "report_received": _("Anmälan inkommen"),
    "protection_assessed": _("Skyddsbedömning gjord"),
    "feedback_requested": _("Anmälaren begär återkoppling"),
    "preliminary_decided": _("Förhandsbedömning beslutad"),
    "reporter_informed": _("Anmälaren informerad"),
    "investigation_opened": _("Utredning inledd"),
    "first_contact": _("Första kontakt med familjen"),
    "investigation_extended": _("Utredningstiden förlängd"),
    "investigation_closed": _("Utredning avslutad"),
    "intervention_started": _("Insats påbörjad"),
    "care_plan_established": _("Vårdplan upprättad"),
    "foster_home_approved": _("Familjehem utrett och beslut fattat"),
    "placement_reviewed": _("Placering övervägd"),
    "intervention_ended": _("Insats avslutad"),
    "handler_assigned": _("Handläggare utsedd"),
    "co_handler_assigned": _("Medhandläggare utsedd"),
}
OUTCOME_LABELS = {
    "investigation": _("Utredning inleds"),
    "no_investigation": _("Ingen utredning"),
    "intervention": _("Insats beviljas"),
    "no_intervention": _("Ingen insats"),
}
INTERVENTION_LABELS = {
    "outpatient": _("Öppenvård"),
    "emergency_foster_home": _("Jourhem"),
    "foster_home": _("Familjehem"),
    "residential": _("HVB"),
}
STATUS_LABELS = {"met": _("Uppfylld"), "missed": _("Missad"), "open": _("Öppen"), "overdue": _("Försenad")}
PHASE_LABELS = {
    "preliminary_assessment": _("Förhandsbedömning"),
    "investigation": _("Utredning"),
    "outpatient_followup": _("Uppföljning öppenvård"),
    "placement_followup": _("Uppföljning placering"),
    "foster_home": _("Familjehem"),
    "closed": _("Avslutat"),
}
