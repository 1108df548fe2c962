from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "stabil.staff"
    label = "staff"
    verbose_name = _("Personal")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from stabil.web.nav import NavItem, register

        from . import models

        for model in (models.StaffMember, models.StaffChange, models.ExitInterview, models.CompetenceAssessment,
                      models.DevelopmentPlan, models.KnowledgeArea, models.UnitStaffing):
            auditlog.register(model)
        register(NavItem("staff", _("Personal"), "staff:register", "staff.view", order=40,
                         description=_("Personalregister, omsättning, sjukfrånvaro, konsulter, behörighet och kompetens")))
