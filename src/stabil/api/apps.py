from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "stabil.api"
    label = "api"
    verbose_name = _("Integrationer (API)")

    def ready(self) -> None:
        # Imported here: the navigation registry and auditlog need the models loaded.
        from auditlog.registry import auditlog

        from stabil.imports.framework import import_done
        from stabil.web.nav import NavItem, register

        from . import services
        from .models import ApiClient

        register(NavItem(key="api_clients", label=_("Integrationer"), url_name="api:clients",
                         capability="accounts.manage", order=93,
                         description=_("Klienter för API:t: behörigheter, enheter, nycklar och återkallande.")))
        # Who created, changed or revoked a client, and when (never the token: only its hash is stored).
        auditlog.register(ApiClient, m2m_fields={"units"}, exclude_fields=["secret_hash"])
        # "Import finished/failed" in the events feed, for files, uploads and API batches alike.
        import_done.connect(services.on_import_done, dispatch_uid="stabil-api-import-events")
