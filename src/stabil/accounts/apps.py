from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "stabil.accounts"
    label = "accounts"
    verbose_name = _("Användare och roller")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from auditlog.registry import auditlog

        from stabil.web.nav import NavItem, register

        from . import policy  # noqa: F401  registers the rules permissions

        register(NavItem(key="accounts", label=_("Användare"), url_name="accounts:user_list", capability="accounts.manage",
                         order=95, description=_("Användare, roller, enheter och team.")))
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from .models import User

        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"units"})
