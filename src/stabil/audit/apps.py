from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "stabil.audit"
    label = "audit"
    verbose_name = _("Granskningslogg")

    def ready(self) -> None:
        from stabil.web.nav import NavItem, register

        register(NavItem(key="audit", label=_("Granskningslogg"), url_name="audit:search", capability="audit.view",
                         order=90, description=_("Vem har läst vilka personuppgifter, och när.")))
