"""Whose data an access record covers: the children behind the ids it lists (issue 15).

An access record lists the ids a page, export or import showed (``object_ids``, of ``object_type``): case
ids for most pages about children. A log extract (loggutdrag) asks for every access to one child, so each
record also stores the child ids behind its ids (``AccessRecord.child_ids``), looked up when the record is
written. The log then still answers for a child after its cases were removed (gallring) or moved.

The access log knows nothing of cases: the area that owns an object type registers a resolver here
(``register``, called from an ``AppConfig.ready``), a function from the listed ids to the child ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Resolver = Callable[[list[str]], Iterable[str]]

_RESOLVERS: dict[str, Resolver] = {}


def register(object_type: str, resolver: Resolver) -> None:
    """Let records of ``object_type`` store the child ids ``resolver(ids)`` returns."""
    _RESOLVERS[object_type] = resolver


def registered_types() -> frozenset[str]:
    """The object types whose records carry child ids."""
    return frozenset(_RESOLVERS)


def children_of(object_type: str, ids: list[str]) -> list[str]:
    """The sorted child ids behind ``ids`` of ``object_type`` (empty for types about no child)."""
    resolver = _RESOLVERS.get(object_type)
    if resolver is None or not ids:
        return []
    return sorted({str(child) for child in resolver(ids)})
