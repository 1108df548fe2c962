from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "stabil.records"
    label = "records"
    verbose_name = _("Registervård")

    def ready(self) -> None:
        # Imported here: these modules use the models, which are not loaded when apps.py is imported.
        from stabil.audit import subjects

        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from stabil.cases.selectors import children_of_cases
        from stabil.web.nav import NavItem, register

        register(NavItem(key="records_extract", label=_("Loggutdrag"), url_name="records:extract",
                         capability="records.log_extract", order=86,
                         description=_("Vem har läst ett barns eller en medarbetares uppgifter, när och varifrån.")))
        register(NavItem(key="records_review", label=_("Logguppföljning"), url_name="records:reviews",
                         capability="records.log_review", order=87,
                         description=_("Månadens granskning av åtkomstloggen: urval, stickprov och signatur.")))
        register(NavItem(key="records_retention", label=_("Gallring"), url_name="records:retention",
                         capability="records.retention_view", order=88,
                         description=_("Månadens gallringslistor: förslag, två godkännanden, genomförande.")))

        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from .models import DestructionApproval, DestructionList, LogReview, ProtectedChild, ReviewEntry

        # Not DestructionItem: its ids must leave no trace once the list is run.
        for model in (LogReview, ReviewEntry, ProtectedChild, DestructionList, DestructionApproval):
            auditlog.register(model)

        # Access records of cases, of case files (import kinds, listing the case ids they read) and of
        # children store the child ids they cover, so a log extract finds every access to a child.
        for object_type in ("cases.case", "case_events", "case_complexity"):
            subjects.register(object_type, children_of_cases)
        subjects.register("cases.child", lambda ids: ids)
