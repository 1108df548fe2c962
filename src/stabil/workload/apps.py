from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "stabil.workload"
    label = "workload"
    verbose_name = _("Arbetsbelastning")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from stabil.web.nav import NavItem, register

        from .models import CaseComplexity, RiskMeasure, TeamSettings, UnitSettings

        # Config versions are their own history (who, when, what changed); these are edited in place.
        for model in (RiskMeasure, UnitSettings, TeamSettings, CaseComplexity):
            auditlog.register(model)

        register(NavItem(key="workload", label=_("Arbetsbelastning"), url_name="workload:board",
                         capability="workload.view", order=30,
                         description=_("Viktad belastning per handläggare, team och enhet; förslag vid fördelning.")))
