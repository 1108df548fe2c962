from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "stabil.audit"
    label = "audit"
    verbose_name = _("Granskningslogg")

    def ready(self) -> None:
        # Imported here: these modules use the models, which are not loaded when apps.py is imported.
        from stabil.web.nav import NavItem, register

        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from .guard import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="stabil.audit.guard")

        register(NavItem(key="audit", label=_("Granskningslogg"), url_name="audit:search", capability="audit.view",
                         order=90, description=_("Vem har läst vilka personuppgifter, och när.")))
