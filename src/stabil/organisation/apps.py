from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "stabil.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from stabil.web.nav import NavItem, register

        from . import models

        register(NavItem(key="organisation", label=_("Organisation"), url_name="organisation:overview",
                         capability="accounts.manage", order=96,
                         description=_("Avdelningar, enheter och team.")))

        for model in (models.Municipality, models.Administration, models.Department, models.Unit, models.Team):
            auditlog.register(model)
