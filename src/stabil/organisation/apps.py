from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "stabil.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Municipality, models.Administration, models.Department, models.Unit, models.Team):
            auditlog.register(model)
