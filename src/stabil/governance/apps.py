from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "stabil.governance"
    label = "governance"
    verbose_name = _("Styrning")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from stabil.web.nav import NavItem, register

        register(NavItem(key="governance", label=_("Styrning"), url_name="governance:index",
                         capability="governance.view", order=40,
                         description=_("Styrkort, handlingsplaner, riskregister, egenkontroller och rapport till "
                                       "nämnden.")))
