from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkloadConfig(AppConfig):
    name = "stabil.workload"
    label = "workload"
    verbose_name = _("Arbetsbelastning")

    def ready(self) -> None:
        from stabil.web.nav import NavItem, register

        register(NavItem(key="workload", label=_("Arbetsbelastning"), url_name="workload:board",
                         capability="workload.view", order=30,
                         description=_("Viktad belastning per handläggare, team och enhet; förslag vid fördelning.")))
