from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulationConfig(AppConfig):
    name = "stabil.simulation"
    label = "simulation"
    verbose_name = _("Simulering")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from stabil.web.nav import NavItem, register

        from . import models

        for model in (models.Scenario, models.ScenarioMeasure):
            auditlog.register(model)
        register(NavItem("simulation", _("Scenarier"), "simulation:index", "simulation.view", order=70,
                         description=_("Prognos för inflödet och simulering av åtgärder: frister, ofördelade "
                                       "ärenden, personalomsättning och kostnad, innan beslutet")))
