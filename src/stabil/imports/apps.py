from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "stabil.imports"
    label = "imports"
    verbose_name = _("Import")

    def ready(self) -> None:
        # lazy: runs in AppConfig.ready, once the app registry is loaded
        from stabil.web.nav import NavItem, register

        register(NavItem(key="imports", label=_("Import"), url_name="imports:upload", capability="imports.upload",
                         order=80, description=_("Läs in ärendehändelser, personal och frånvaro från fil.")))
        # Each Stabil app may declare file kinds in its importers.py.
        for config in apps.get_app_configs():
            if config.name.startswith("stabil.") and find_spec(f"{config.name}.importers") is not None:
                import_module(f"{config.name}.importers")
