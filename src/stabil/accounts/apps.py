from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "stabil.accounts"
    label = "accounts"
    verbose_name = _("Användare och roller")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import policy  # noqa: F401  registers the rules permissions
        from .models import User

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"units"})
