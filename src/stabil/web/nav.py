"""The navigation registry: each area app registers its entry in ``AppConfig.ready``.

The base layout shows a user the entries whose capability they have, so a page nobody may use is never
linked, and no area app needs to edit the shared layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from stabil.accounts.policy import has_capability

_ITEMS: dict[str, "NavItem"] = {}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str
    capability: str
    order: int = 50
    description: str = ""


def register(item: NavItem) -> None:
    """Add ``item`` to the navigation (registering the same key again replaces it)."""
    _ITEMS[item.key] = item


def items_for(user) -> list[NavItem]:
    """Return the navigation entries ``user`` may use, in order."""
    if not (user and user.is_authenticated):
        return []
    return [item for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key))
            if has_capability(user, item.capability)]
