"""The computed KPIs' names, definitions and sources as pages show them: Swedish, translated at the edge.

``core.kpi`` keeps one definition per KPI, written out in English for the developers' docs and the CLI's
JSON; a page shows the same definition in the reader's language (issue 13: the Swedish page showed the
English text). The English translations in the catalogue are core's texts, so the two cannot drift apart
without a test noticing (tests/governance/test_kpi_texts.py). The board paper keeps its own short labels
(``board_report.KPI_LABELS``), translated too: Swedish on the command line and in the default language.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from stabil.core import kpi as core_kpi

LABELS = {
    "preliminary_assessment_within_14_days": _("Förhandsbedömningar inom 14 dagar"),
    "investigation_within_4_months": _("Utredningar inom 4 månader"),
    "first_contact_within_guarantee": _("Familjer kontaktade inom tjänstegarantin"),
    "placement_review_on_time": _("Placeringar övervägda i tid"),
    "staff_turnover_rate": _("Personalomsättning"),
    "units_sick_leave_below_5_percent": _("Enheter med sjukfrånvaro under 5 %"),
    "consultant_share": _("Andel inhyrda konsulter"),
    "consultant_cost_sek": _("Kostnad för inhyrda konsulter"),
    "caseworkers_socionom_3_years": _("Socionomer med minst 3 års erfarenhet"),
    "caseworkers_above_full_load": _("Handläggare över 100 % belastning"),
}

DEFINITIONS = {
    "preliminary_assessment_within_14_days": _(
        "Förhandsbedömningar vars frist (14 dagar från anmälan, flyttad till nästa vardag enligt lag (1930:173) "
        "2 §) föll ut under perioden: andelen som beslutades senast på fristdagen. Täljare: beslutade i tid; "
        "nämnare: föll ut."),
    "investigation_within_4_months": _(
        "Utredningar vars frist (fyra månader från att utredningen inleddes, eller det förlängda datumet när "
        "förlängningen beslutades i tid) föll ut under perioden: andelen som avslutades senast på fristdagen. "
        "Täljare: avslutade i tid; nämnare: föll ut."),
    "first_contact_within_guarantee": _(
        "Utredningar vars frist enligt tjänstegarantin (första kontakt med familjen inom kommunens antal "
        "arbetsdagar från beslutet att inleda utredning, 7 i Helsingborg) föll ut under perioden: andelen som "
        "kontaktades i tid."),
    "placement_review_on_time": _(
        "Sexmånadersöverväganden av placeringar vars frist föll ut under perioden: andelen som gjordes senast "
        "på fristdagen."),
    "staff_turnover_rate": _(
        "Handläggare som lämnade arbetsgivaren under perioden (byten mellan enheter räknas inte) delat med det "
        "genomsnittliga antalet anställda under perioden (persondagar / dagar), i procent. Inhyrda konsulter är "
        "inte anställda och räknas inte."),
    "units_sick_leave_below_5_percent": _(
        "Enheter med schemalagda timmar under perioden vars sjuktimmar var färre än 5 % av de schemalagda "
        "timmarna, som andel av dessa enheter."),
    "consultant_share": _(
        "Inhyrda konsulters andel av de tillsatta handläggartjänsterna, i årsarbetare i genomsnitt över "
        "perioden."),
    "consultant_cost_sek": _(
        "Vad inhyrda konsulter kostade under perioden: månadskostnad × dagar i perioden / (365,25 / 12), "
        "summerat över konsulterna."),
    "caseworkers_socionom_3_years": _(
        "Handläggare (konsulter inräknade) anställda på periodens sista dag med socionomexamen och minst tre "
        "års erfarenhet, som andel av alla dessa."),
    "caseworkers_above_full_load": _(
        "Handläggare med kapacitet på periodens sista dag vars belastning (viktad efterfrågan / kapacitet, "
        "arbetsbelastningsmodellen) är över 100 %, som andel av dem."),
}

SOURCES = {
    "first_contact_within_guarantee": _("Lokal tjänstegaranti, Helsingborgs verksamhetsplan 2017–2019"),
    "consultant_share": _("Västerås revisionsrapport 2015:4, 4.2 (12 av 26 utredare var konsulter)"),
    "consultant_cost_sek": _("Västerås revisionsrapport 2015:4 (7,5 mnkr 2014, prognos 15 mnkr 2015)"),
    "caseworkers_above_full_load": _("Stabils arbetsbelastningsmodell (docs/workload.md); AFS 2015:4 om "
                                     "arbetsbelastning"),
}


def label(code: str) -> str:
    """Return the KPI's name in the active language."""
    return str(LABELS[code])


def definition(code: str) -> str:
    """Return the KPI's definition in the active language."""
    return str(DEFINITIONS[code])


def source(code: str) -> str:
    """Return the KPI's source: a translated one where core's names it in English, else core's (law and
    report references, which are Swedish names in either language)."""
    return str(SOURCES[code]) if code in SOURCES else core_kpi.definition(code).source
