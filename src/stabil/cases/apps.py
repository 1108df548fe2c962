from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "stabil.cases"
    label = "cases"
    verbose_name = _("Ärenden")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from stabil.web.nav import NavItem, register

        register(NavItem(key="my_cases", label=_("Mina ärenden"), url_name="cases:mine", capability="cases.view",
                         order=5, description=_("Dina ärenden och medhandlade ärenden med nästa frist, försenade först.")))
        register(NavItem(key="cases", label=_("Frister"), url_name="cases:deadlines", capability="cases.view",
                         order=10, description=_("Vad förfaller snart och vad är försenat, mest brådskande först.")))
        register(NavItem(key="egenkontroll", label=_("Egenkontroll"), url_name="cases:egenkontroll",
                         capability="cases.egenkontroll", order=15,
                         description=_("Andel uppfyllda frister per period och enhet, med överträdelserna listade.")))
        register(NavItem(key="deadline_rules", label=_("Fristregler"), url_name="cases:rules",
                         capability="cases.configure", order=85,
                         description=_("Kommunens val: helgdagsregeln, skyddsbedömningen och tjänstegarantier.")))

        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from .models import DeadlineSettings

        auditlog.register(DeadlineSettings)
