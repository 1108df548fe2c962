from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedsConfig(AppConfig):
    name = "stabil.feeds"
    label = "feeds"
    verbose_name = _("Flöden")

    def ready(self) -> None:
        # Imported here: the navigation registry is filled once the apps are loaded.
        from stabil.web.nav import NavItem, register

        register(NavItem(key="feeds", label=_("Nattliga flöden"), url_name="feeds:index", capability="feeds.view",
                         order=81, description=_("Filer från verksamhetssystemen som importerats utan en person: "
                                                 "resultat och fel per fil.")))
