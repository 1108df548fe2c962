"""The access policy: who may do and see what. The one place for it.

Two questions are answered here and nowhere else:

1. **Capabilities** — may this user use a kind of page or action at all (``has_capability``)? They are
   registered as ``rules`` permissions named ``stabil.<capability>``, so ``user.has_perm`` works too.
2. **Scope** — which rows may this user see (``visible_units``, ``scope_cases``, ``scope_staff``), and
   which may an import file of theirs name (``import_scope``)?

The principle is least privilege on sensitive data about children (domain.md, "Privacy"):

| role | cases | staff data | aggregates |
|---|---|---|---|
| caseworker | own cases and those of their team | themself only | their units |
| team lead | their team's cases and their units' unassigned cases | their team | their units |
| unit manager | their units | their units | their units |
| department head | their departments' units | their departments' units | their departments |
| HR | none | their units (all units when HR has no unit: central HR) | staff aggregates |
| board member | none | none | everything, suppressed (public figures) |
| system administrator | none | none | none; users, organisation, audit log |
| data-protection officer | none | none | none; log extracts of any child or person, the monthly log follow-up |
| archivist | none | none | none; destruction lists (ids of what is due), approving and running them |

Record-keeping (issue 15, ``stabil.records``). The **data-protection officer** (dataskyddsombud, role
``dpo``) makes log extracts (loggutdrag) for any child or staff member, removed ones included, and runs the
monthly log follow-up (logguppföljning): the whole access log is that role's remit, no case or staff page
is. A **unit manager** makes log extracts too, for the children with a case in their units and the people
of their units (``scope_cases``/``scope_staff``), and sees only the accesses to those cases and people,
with other ids masked. The **archivist** (arkivansvarig, role ``archivist``) proposes the monthly
destruction list (gallring), sees its ids, approves and runs it; a list needs a second approval by a unit
manager or department head who sees the list's unit (``may_approve_retention``): two people, two roles.

Imports (web upload, and ``stabil import --by USER``) write only inside the uploader's units: unit managers
and department heads import case events and case complexity for the cases of their units (as they see
them above), HR staff files for the people and units of theirs (central HR: the whole municipality). The
system administrator imports nothing, since every import file is about cases or people. An unnamed
command-line run is the server operator, who has the database anyway: its scope is the whole municipality.
The nightly feeds (issue 14, ``stabil.feeds``) run without a person, as the operator, each source folder
limited to the unit its column map names (``feed_scope``); their runs are shown to unit managers and
department heads who see every unit of the source (``sees_feed``).

A view uses ``require_capability`` and then a scope function on its queryset; a test in
``tests/accounts/test_policy.py`` walks the table above.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stabil.organisation import selectors as organisation

from .models import Role

# Capability -> the roles that have it.
CAPABILITIES: dict[str, frozenset[str]] = {
    # Case data: the people doing and leading the casework.
    "cases.view": frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    "cases.record": frozenset({Role.CASEWORKER, Role.TEAM_LEAD, Role.UNIT_MANAGER}),
    "cases.import": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    # Self-inspection figures per unit, with breaches listed by case id.
    "cases.egenkontroll": frozenset({Role.TEAM_LEAD, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    # The municipality's deadline choices (strict days, local guarantees): no case data is shown.
    "cases.configure": frozenset({Role.DEPARTMENT_HEAD, Role.SYSADMIN}),
    # Staff data.
    "staff.view": frozenset({Role.TEAM_LEAD, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.HR}),
    "staff.edit": frozenset({Role.HR, Role.UNIT_MANAGER}),
    "staff.view_absence": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.HR}),
    "staff.import": frozenset({Role.HR}),
    # Exit-interview reasons and comments of any number of people (recording them, too). Everyone else
    # with staff.view sees reasons only for units with more interviews than the suppression threshold,
    # small counts suppressed (core.suppression rule 5).
    "staff.exit_reasons": frozenset({Role.HR}),
    # The web upload page: whoever may import some kind of file (each kind checks its own capability).
    "imports.upload": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.HR}),
    # Workload and allocation.
    "workload.view": frozenset({Role.TEAM_LEAD, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    "workload.configure": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    "workload.allocate": frozenset({Role.TEAM_LEAD, Role.UNIT_MANAGER}),
    # Governance: scorecards, action plans, risks, board reports.
    "governance.view": frozenset(
        {Role.TEAM_LEAD, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.HR, Role.BOARD_MEMBER}
    ),
    "governance.edit": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    # Exact small counts on screen; everyone else sees suppressed (public) figures.
    "reports.exact_figures": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.HR}),
    # Forecasts and scenarios.
    "simulation.view": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD, Role.BOARD_MEMBER, Role.HR}),
    "simulation.run": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    # Record-keeping (issue 15): log extracts, the monthly log follow-up, destruction lists.
    "records.log_extract": frozenset({Role.DPO, Role.UNIT_MANAGER}),
    "records.log_review": frozenset({Role.DPO}),
    "records.retention_view": frozenset({Role.ARCHIVIST, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    "records.retention_propose": frozenset({Role.ARCHIVIST}),
    "records.retention_approve": frozenset({Role.ARCHIVIST, Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    "records.retention_run": frozenset({Role.ARCHIVIST}),
    # The nightly feeds' runs (issue 14, ``stabil.feeds``): their results and errors may name case and staff
    # ids of the source's units, so those who see both in their units see them (``sees_feed``); not HR, who
    # sees no case.
    "feeds.view": frozenset({Role.UNIT_MANAGER, Role.DEPARTMENT_HEAD}),
    # Administration.
    "audit.view": frozenset({Role.SYSADMIN}),
    "accounts.manage": frozenset({Role.SYSADMIN}),
}


def _role_predicate(capability: str, roles: frozenset[str]) -> rules.Predicate:
    def check(user) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_active and user.role in roles)

    return rules.predicate(check, name=f"has_{capability}")


for _capability, _roles in CAPABILITIES.items():
    rules.add_perm(f"stabil.{_capability}", _role_predicate(_capability, _roles))


def has_capability(user, capability: str) -> bool:
    """Return whether ``user`` has ``capability`` (a key of ``CAPABILITIES``)."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    # Asked of the rule set directly: Django's has_perm says yes to every superuser, and no role here
    # is meant to see everything.
    return rules.has_perm(f"stabil.{capability}", user)


def require_capability(capability: str) -> Callable:
    """Decorate a view: anonymous visitors go to log-in, users without ``capability`` get 403."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability  # read by the view-permission test
        return wrapped

    return decorator


def check_capability(by, capability: str) -> None:
    """For services: raise ``PermissionDenied`` unless the acting user ``by`` has ``capability``.

    ``by=None`` is the command line, run by whoever operates the server (who can reach the database anyway).
    """
    if by is not None and not has_capability(by, capability):
        raise PermissionDenied


def may_change_for_unit(user, unit) -> bool:
    """Whether ``user`` (who has ``governance.edit``) may change a governance row tied to ``unit``.

    A KPI or risk tied to a unit is changed only by editors who see that unit (``visible_units``); rows of
    the whole organisation (no unit) by every editor. ``user`` None is the command line's operator.
    """
    if unit is None or user is None:
        return True
    return visible_units(user).filter(pk=getattr(unit, "pk", unit)).exists()


def visible_units(user) -> QuerySet:
    """Return the units whose data ``user`` may see (rows, not only aggregates)."""
    units = organisation.units()
    if not (user and user.is_authenticated and user.is_active):
        return units.none()
    if user.role == Role.BOARD_MEMBER:
        return units.all()
    if user.role == Role.SYSADMIN:
        return units.none()
    own = units.filter(users=user)
    if user.role == Role.HR and not own.exists():
        return units.all()
    if user.role == Role.DEPARTMENT_HEAD:
        return units.filter(department__units__users=user).distinct()
    return own


def scope_cases(user, queryset: QuerySet) -> QuerySet:
    """Return the cases of ``queryset`` that ``user`` may see."""
    if not has_capability(user, "cases.view"):
        return queryset.none()
    if user.role == Role.CASEWORKER:
        own = Q(main_handler__user=user) | Q(co_handler__user=user)
        if user.team_id:
            own |= Q(main_handler__team_id=user.team_id) | Q(co_handler__team_id=user.team_id)
        return queryset.filter(own).distinct()
    units = visible_units(user)
    if user.role == Role.TEAM_LEAD:
        unassigned = Q(main_handler__isnull=True, unit__in=units)
        if user.team_id:
            team = Q(main_handler__team_id=user.team_id) | Q(co_handler__team_id=user.team_id)
            return queryset.filter(team | unassigned).distinct()
        return queryset.filter(unit__in=units)
    return queryset.filter(unit__in=units)


def scope_staff(user, queryset: QuerySet) -> QuerySet:
    """Return the staff members of ``queryset`` whose personal data ``user`` may see."""
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if not has_capability(user, "staff.view"):
        # Everyone may see their own record; nobody else's.
        return queryset.filter(user=user)
    if user.role == Role.TEAM_LEAD:
        if user.team_id:
            return queryset.filter(Q(team_id=user.team_id) | Q(user=user))
        return queryset.filter(user=user)
    return queryset.filter(unit__in=visible_units(user))


def scope_assignable_staff(user, queryset: QuerySet) -> QuerySet:
    """Return the staff members of ``queryset`` to whom ``user`` may allocate cases.

    The same people as the workload board shows the user (``scope_staff``: a team lead their team, a unit
    manager their units), and nobody for a user without ``workload.allocate``. Allocation suggestions,
    their access records and the assignment itself all use this set, so a case is never given to someone
    the allocating user may not see.
    """
    if not has_capability(user, "workload.allocate"):
        return queryset.none()
    return scope_staff(user, queryset)


@dataclass(frozen=True)
class ImportScope:
    """What one import file may name: the units (by primary key) whose cases and people it may read and
    write. ``everything`` is the whole municipality, units not yet created included (the operator at the
    command line, central HR for staff files); then ``unit_ids`` is empty and unused."""

    everything: bool = False
    unit_ids: frozenset[int] = frozenset()

    def covers_unit(self, unit_id: int | None) -> bool:
        """Return whether rows about this unit (None: a unit that does not exist) are in scope."""
        return self.everything or (unit_id is not None and unit_id in self.unit_ids)

    def covers_any(self, unit_ids) -> bool:
        """Return whether any of these units is in scope (a child is in scope through any of its cases)."""
        return self.everything or not self.unit_ids.isdisjoint(unit_ids)


def import_scope(user, capability: str) -> ImportScope:
    """Return what an import of a file kind needing ``capability`` may name when run by ``user``.

    ``user`` None is the command line run by the server operator (no ``--by``): the whole municipality.
    A user without ``capability`` gets an empty scope (every row about a case, person or unit refused);
    otherwise the scope is the units of ``visible_units``, and the whole municipality for central HR.
    """
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    if user is None:
        return ImportScope(everything=True)
    if not has_capability(user, capability):
        return ImportScope()
    if user.role == Role.HR and not user.units.exists():
        return ImportScope(everything=True)
    return ImportScope(unit_ids=frozenset(visible_units(user).values_list("pk", flat=True)))


def feed_scope(unit_ids) -> ImportScope:
    """Return what a file of a nightly feed may name (issue 14, ``stabil.feeds``).

    A feed runs without a person, as the server operator; a source configured with a unit (its column map's
    ``[source] unit``) writes only that unit's cases and people, a source without one the whole municipality.
    """
    unit_ids = frozenset(unit_ids or ())
    return ImportScope(unit_ids=unit_ids) if unit_ids else ImportScope(everything=True)


def sees_feed(user, unit_ids) -> bool:
    """Return whether ``user`` may see a feed run of a source with these units (empty: the whole municipality).

    Its result and errors name the source's cases and people: ``feeds.view`` and every unit of the source
    among ``visible_units``; a source of the whole municipality only for those who see every unit.
    """
    if not has_capability(user, "feeds.view"):
        return False
    visible = set(visible_units(user).values_list("pk", flat=True))
    if unit_ids:
        return set(unit_ids) <= visible
    return visible >= set(organisation.units().values_list("pk", flat=True))


def staff_write_scope(user) -> ImportScope:
    """Return the units in which ``user`` may register people and change or end their employment on the
    HR pages (``staff.edit``: HR and unit managers): the units of ``import_scope`` for ``staff.edit``, so the
    pages and the staff file have one scope (central HR: the whole municipality; others their units)."""
    return import_scope(user, "staff.edit")


def reads_whole_access_log(user) -> bool:
    """Whether ``user`` makes log extracts over the whole municipality (the data-protection officer).

    Everyone else with ``records.log_extract`` (unit managers) extracts only for the children and people
    in their scope, and sees only the accesses to those cases and people.
    """
    return has_capability(user, "records.log_extract") and user.role == Role.DPO


def retention_units(user) -> QuerySet | None:
    """The units whose destruction lists ``user`` may see; None for every unit (the archivist).

    ``user`` None is the command line's operator: every unit.
    """
    if user is None:
        return None
    if not has_capability(user, "records.retention_view"):
        return organisation.units().none()
    if user.role == Role.ARCHIVIST:
        return None
    return visible_units(user)


def may_approve_retention(user, unit) -> bool:
    """Whether ``user`` may approve a destruction list of ``unit`` (None: the list of unit-less items).

    The archivist approves every list; a unit manager or department head the lists of the units they see.
    The access log's list (no unit) needs the archivist and a department head.
    """
    if not has_capability(user, "records.retention_approve"):
        return False
    if user.role == Role.ARCHIVIST:
        return True
    if unit is None:
        return user.role == Role.DEPARTMENT_HEAD
    return visible_units(user).filter(pk=getattr(unit, "pk", unit)).exists()


def can_view_case(user, case) -> bool:
    """Return whether ``user`` may open ``case``."""
    return scope_cases(user, type(case).objects.filter(pk=case.pk)).exists()


def can_view_staff(user, staff_member) -> bool:
    """Return whether ``user`` may see ``staff_member``'s personal data."""
    return scope_staff(user, type(staff_member).objects.filter(pk=staff_member.pk)).exists()


def sees_exact_figures(user) -> bool:
    """Return whether ``user`` sees exact small counts about children (others see suppressed ones)."""
    return has_capability(user, "reports.exact_figures")


def sees_exact_figures_for(user, unit_ids=None) -> bool:
    """Return whether ``user`` sees exact small counts for these units (None = all units).

    Exact figures need ``reports.exact_figures`` and every unit in scope among ``visible_units``;
    otherwise the user gets the public (suppressed) figures.
    """
    if not sees_exact_figures(user):
        return False
    visible = set(visible_units(user).values_list("pk", flat=True))
    wanted = set(organisation.units().values_list("pk", flat=True)) if unit_ids is None else set(unit_ids)
    return wanted <= visible


rules.add_perm("stabil.view_case", rules.predicate(lambda user, case: case is not None and can_view_case(user, case)))
rules.add_perm(
    "stabil.view_staff_member",
    rules.predicate(lambda user, member: member is not None and can_view_staff(user, member)),
)


# --- integration clients of the REST API (issue 14, ``stabil.api``) -------------------------------------------
#
# A client is not a person: it has no role, only the scopes the sysadmin gave it and the units it may touch.
# A scope opens one kind of endpoint; the units bound every row read or written (a case through its unit, a
# person through theirs). A client with no unit sees and writes nothing, whatever its scopes. Aggregates read
# with ``statistics:read`` are public (suppressed) unless the client also has ``statistics:exact``.

API_SCOPES: dict[str, object] = {  # scope -> Swedish description (lazy)
    "case-events:write": _("skicka ärendehändelser (samma regler som importfilen)"),
    "staff:write": _("skicka personaländringar och frånvaro (samma regler som personalfilen)"),
    "deadlines:read": _("läsa frister för ärenden i klientens enheter"),
    "workload:read": _("läsa arbetsbelastning per enhet och person"),
    "kpi:read": _("läsa nyckeltal för en period"),
    "statistics:read": _("läsa statistiktabellen (offentliga, maskerade tal)"),
    "statistics:exact": _("läsa statistiktabellen med exakta små tal"),
    "events:read": _("läsa händelseflödet (ändringar, bara id:n)"),
    "scenarios:read": _("läsa simuleringsscenarier och deras senaste resultat"),
}

# The file kind's capability each write scope stands for: the API writes with the import's own rules.
API_WRITE_SCOPES = {"case-events:write": "cases.import", "staff:write": "staff.import"}


def client_is_usable(client) -> bool:
    """Whether an integration client may call the API at all: not revoked and not expired."""
    return client is not None and bool(getattr(client, "is_usable", False))


def client_has_scope(client, scope: str) -> bool:
    """Return whether the integration ``client`` holds ``scope`` (a key of ``API_SCOPES``) and is usable."""
    if scope not in API_SCOPES:
        raise KeyError(f"unknown API scope {scope!r}")
    return client_is_usable(client) and scope in set(client.scopes or ())


def client_unit_ids(client, scope: str) -> frozenset[int]:
    """The units (pks) whose rows ``client`` may read or write under ``scope``; empty without the scope."""
    if not client_has_scope(client, scope):
        return frozenset()
    return frozenset(client.unit_ids())


def client_import_scope(client, scope: str) -> ImportScope:
    """What a batch sent by ``client`` under a write ``scope`` may name: the client's units, never more.

    The same ``ImportScope`` a person's upload gets from ``import_scope``, so the file kinds' handlers check
    every row of a batch exactly as they check a file's rows. An integration client never has the whole
    municipality: it creates no unit and writes nothing outside the units the sysadmin gave it.
    """
    if scope not in API_WRITE_SCOPES:
        raise KeyError(f"not a write scope: {scope!r}")
    return ImportScope(unit_ids=client_unit_ids(client, scope))


def client_scope_cases(client, scope: str, queryset: QuerySet) -> QuerySet:
    """Return the cases of ``queryset`` that ``client`` may read under ``scope``: those of its units."""
    return queryset.filter(unit_id__in=sorted(client_unit_ids(client, scope)))


def client_scope_staff(client, scope: str, queryset: QuerySet) -> QuerySet:
    """Return the staff members of ``queryset`` that ``client`` may read under ``scope``: those of its units."""
    return queryset.filter(unit_id__in=sorted(client_unit_ids(client, scope)))


def client_sees_exact_figures(client) -> bool:
    """Whether ``client`` reads exact small counts (``statistics:exact``); otherwise public suppressed figures."""
    return client_has_scope(client, "statistics:exact")
