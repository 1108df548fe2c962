"""The REST API, version 1, under ``/api/v1/`` (issue 14; the contract in docs/api.md).

django-ninja builds the operations and the OpenAPI 3.1 document (``/api/v1/openapi.json``) from the pydantic
schemas below; the Swedish documentation page (``/api/v1/dokumentation/``, ``views.api_docs``) is rendered
from that document. Every operation:

- authenticates a registered integration client by its bearer token (``auth.ClientToken``; no cookie or
  session opens the API) and counts its calls (``auth.ClientRateThrottle``);
- checks the client's scope and units through ``accounts.policy`` (``client_has_scope``,
  ``client_import_scope``, ``client_scope_cases``): a missing scope is 403 before anything is read;
- reads and writes through the areas' selectors and services, the pages' own (no second copy of a rule);
- writes an access record (channel ``api``) with the client and the ids read or written.

Every error has the shape ``Problem``: a Swedish ``detail`` and, for a batch or bad parameters, ``errors``
with the item index (``item``, null for a parameter), the ``field`` and a Swedish ``message``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from pydantic import BaseModel, ConfigDict

from stabil.accounts.policy import (
    client_has_scope,
    client_scope_cases,
    client_sees_exact_figures,
    client_unit_ids,
)
from stabil.audit.services import record_access
from stabil.cases import selectors as cases
from stabil.core.deadlines import DEADLINE_KINDS, MET, MISSED, OPEN, OVERDUE
from stabil.core.statistics import parse_months, parse_years
from stabil.governance import board_report
from stabil.governance import selectors as governance
from stabil.organisation.selectors import units
from stabil.simulation import selectors as simulation
from stabil.web.client_ip import client_ip
from stabil.workload import selectors as workload

from . import selectors
from .auth import ClientRateThrottle, ClientToken
from .services import BatchReplay, batch_submit, event_json, idempotency_key_problem

MAX_BATCH = 50_000  # items per batch; a request body is at most 2.5 MB anyway (DATA_UPLOAD_MAX_MEMORY_SIZE)
MAX_PAGE = 1000
STATUSES = (OPEN, OVERDUE, MET, MISSED)

api = NinjaAPI(
    title="Stabil API",
    version="1",
    description=(
        "Stabils REST-API för kommunens system: ärendehändelser in (samma regler som importfilen), frister "
        "och egenkontroll ut. Varje anrop kräver en klientnyckel (Authorization: Bearer …) som "
        "systemadministratören skapar; nyckeln har behörigheter och enheter. Se docs/api.md."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the Swedish page in views.api_docs is the documentation
    openapi_url="/openapi.json",
    auth=[ClientToken()],
    throttle=[ClientRateThrottle()],
)


# --- the error shape and its handlers ---------------------------------------------------------------------------


class ProblemItem(Schema):
    item: int | None = Field(None, description="Postens index i batchen (0 = första), null för en parameter")
    field: str = Field(..., description="Fältet eller parametern")
    message: str = Field(..., description="Vad som är fel, på svenska")


class Problem(Schema):
    detail: str = Field(..., description="Vad som gick fel, på svenska")
    errors: list[ProblemItem] = Field(default_factory=list)


ERRORS = {400: Problem, 401: Problem, 403: Problem, 422: Problem, 429: Problem}


def _problem(request, status: int, detail: str, errors: list | None = None, headers: dict | None = None):
    response = api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_TYPE_MESSAGES = {
    "missing": "värde saknas",
    "string_type": "ska vara en textsträng",
    "int_type": "ska vara ett heltal",
    "int_parsing": "ska vara ett heltal",
    "list_type": "ska vara en lista",
    "model_type": "ska vara ett objekt",
    "dict_type": "ska vara ett objekt",
    "extra_forbidden": "okänt fält",
    "too_short": "för få poster",
    "too_long": "för många poster eller för lång text",
    "json_invalid": "ogiltig JSON",
    "date_from_datetime_parsing": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "date_parsing": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "date_type": "ska vara ett datum ÅÅÅÅ-MM-DD",
    "literal_error": "otillåtet värde",
    "enum": "otillåtet värde",
    "greater_than_equal": "för litet värde",
    "less_than_equal": "för stort värde",
    "string_too_long": "för lång text",
}


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "query", "header")]
        item = next((part for part in loc if isinstance(part, int)), None)
        names = [str(part) for part in loc if not isinstance(part, int)]
        field = names[-1] if names else ""
        if field in ("events",) and item is None:
            field = "events"
        message = _TYPE_MESSAGES.get(error.get("type", ""), "ogiltigt värde")
        errors.append({"item": item, "field": field, "message": message})
    return _problem(request, 422, _("Begäran är ogiltig: %(count)d fel.") % {"count": len(errors)}, errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _problem(request, 401, _("Nyckel saknas, är okänd, återkallad eller har gått ut."),
                    headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    wait = int(exc.wait or 1)
    return _problem(request, 429, _("För många anrop; försök igen om %(seconds)d sekunder.") % {"seconds": wait},
                    headers={"Retry-After": str(wait)})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _problem(request, exc.status_code, str(exc.message))


def _require(request, scope: str) -> None:
    """403 unless the calling client holds ``scope`` (accounts.policy); says nothing about any data."""
    if not client_has_scope(request.auth, scope):
        raise HttpError(403, _("Klienten saknar behörigheten %(scope)s.") % {"scope": scope})


def _origin(request) -> dict:
    return {"channel": "api", "ip_address": client_ip(request),
            "path": request.get_full_path()[:500]}


# --- writes: case events -----------------------------------------------------------------------------------------


# The batches' items are plain pydantic models, not ninja's ``Schema``: a Schema reads every field through
# ninja's Django-object getter, which tripled the time of a 10,000-item batch (bench/api_bench.py).
class CaseEventItem(BaseModel):
    """One case event: the columns of the case-events file (docs/cli-cases.md), as strings."""

    model_config = ConfigDict(extra="forbid")

    case_id: str = Field("", description="Ärende-id")
    child_id: str = Field("", description="Pseudonymt barn-id (aldrig personnummer); krävs för ett nytt ärende")
    birth_date: str = Field("", description="Barnets födelsedatum ÅÅÅÅ-MM-DD")
    category: str = Field("", description="barn, ungdom eller ensamkommande; krävs för ett nytt ärende")
    unit: str = Field("", description="Enhetskod; krävs för ett nytt ärende")
    event: str = Field("", description="Händelse, t.ex. report_received, investigation_opened")
    date: str = Field("", description="Händelsens datum ÅÅÅÅ-MM-DD")
    staff_id: str = Field("", description="Personal-id (för tilldelning)")
    outcome: str = Field("", description="Utfall (preliminary_decided, investigation_closed)")
    until: str = Field("", description="Nytt slutdatum (investigation_extended)")
    intervention: str = Field("", description="Insats (intervention_started m.fl.)")
    reason: str = Field("", description="Särskilt skäl (investigation_extended)")


class CaseEventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[CaseEventItem] = Field(..., min_length=1, max_length=MAX_BATCH)


class BatchStored(Schema):
    stored: bool
    items: int = Field(..., description="Antal poster i batchen")
    counts: dict[str, int] = Field(..., description="Vad som sparades, som i importens sammanfattning")
    notices: list[str] = Field(default_factory=list)
    replayed: bool = Field(False, description="Sant när svaret är det sparade svaret på samma Idempotency-Key")


@api.post(
    "/case-events/",
    response={200: BatchStored, 409: Problem, **ERRORS},
    summary="Skicka ärendehändelser",
    description=(
        "En batch ärendehändelser med samma regler som importfilen för ärendehändelser: allt eller inget, "
        "varje fel med postens index (item), fältet och ett svenskt meddelande, varje post kontrolleras mot "
        "klientens enheter, fristerna räknas om. Med huvudet Idempotency-Key sparas en batch som skickas igen "
        "bara en gång: svaret är det första svaret med replayed=true. Behörighet: case-events:write."
    ),
    operation_id="case_events_create",
    tags=["skriva"],
)
def case_events_create(request, payload: CaseEventBatch,
                       idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200,
                                                     description="Valfri nyckel (1–100 tecken a–z, 0–9, . _ : -): "
                                                                 "en batch med samma nyckel sparas bara en gång")):
    return _batch(request, payload.events, "case-events:write", "case_events", "case-events", idempotency_key)


def _batch(request, items, scope: str, kind: str, endpoint: str, idempotency_key: str):
    """One batch through the file kind's own handler (``services.batch_submit``), answered as documented."""
    _require(request, scope)
    key = idempotency_key.strip()
    if key and (problem := idempotency_key_problem(key)):
        return Status(400, {"detail": problem, "errors": [{"item": None, "field": "Idempotency-Key",
                                                           "message": problem}]})
    records = [item.model_dump() for item in items]
    try:
        status, answer = batch_submit(client=request.auth, scope=scope, kind=kind, records=records,
                                      body_sha256=hashlib.sha256(request.body).hexdigest(), idempotency_key=key,
                                      endpoint=endpoint, origin=_origin(request))
    except BatchReplay as replay:
        status, answer = replay.status, replay.response
    return Status(status, answer)


IDEMPOTENCY_DESCRIPTION = ("Valfri nyckel (1–100 tecken a–z, 0–9, . _ : -): en batch med samma nyckel sparas "
                           "bara en gång")


class StaffItem(BaseModel):
    """One person: the columns of the staff file (docs/cli-staff.md), as strings."""

    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field("", description="Personal-id (HR-systemets anställningsnummer)")
    unit: str = Field("", description="Enhetskod")
    role: str = Field("", description="caseworker, team_lead, specialist, unit_manager, administrator")
    employment: str = Field("", description="permanent, temporary, consultant, trainee, summer_temp")
    fte: str = Field("", description="Tjänstgöringsgrad 0 < fte <= 1, t.ex. 0,75")
    degree: str = Field("", description="socionom, other_relevant, foreign_recognised, none")
    experience_years: str = Field("", description="Relevant erfarenhet i år vid started_on")
    started_on: str = Field("", description="ÅÅÅÅ-MM-DD")
    ended_on: str = Field("", description="ÅÅÅÅ-MM-DD eller tomt")
    exit_reason: str = Field("", description="Avgångsorsak, bara med ended_on")
    monthly_cost_sek: str = Field("", description="Månadskostnad i kronor")
    name: str = Field("", description="Namn (personuppgift); tomt behåller det sparade")
    team: str = Field("", description="Teamkod i enheten; tomt behåller det sparade")


class StaffBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff: list[StaffItem] = Field(..., min_length=1, max_length=MAX_BATCH)


class AbsenceItem(BaseModel):
    """One absence occasion: the columns of the absence file (docs/cli-staff.md), as strings."""

    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field("", description="Personal-id (en person som redan finns)")
    kind: str = Field("", description="sick, parental, vacation, other")
    first_day: str = Field("", description="ÅÅÅÅ-MM-DD")
    last_day: str = Field("", description="ÅÅÅÅ-MM-DD")
    extent: str = Field("", description="Andel av heltid 0 < extent <= 1; tomt = 1")


class AbsenceBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    absence: list[AbsenceItem] = Field(..., min_length=1, max_length=MAX_BATCH)


@api.post(
    "/staff/",
    response={200: BatchStored, 409: Problem, **ERRORS},
    summary="Skicka personaluppgifter",
    description=(
        "En batch personer med samma regler som personalfilen: nya personer skapas, ändrad enhet, team, roll, "
        "anställning, tjänstgöringsgrad eller kostnad blir en daterad ändring. Allt eller inget, fel med "
        "postens index och fält, bara klientens enheter, Idempotency-Key som för ärendehändelser. "
        "Behörighet: staff:write."
    ),
    operation_id="staff_create",
    tags=["skriva"],
)
def staff_create(request, payload: StaffBatch,
                 idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200,
                                               description=IDEMPOTENCY_DESCRIPTION)):
    return _batch(request, payload.staff, "staff:write", "staff", "staff", idempotency_key)


@api.post(
    "/absence/",
    response={200: BatchStored, 409: Problem, **ERRORS},
    summary="Skicka frånvaro",
    description=(
        "En batch frånvarotillfällen med samma regler som frånvarofilen (nyckel: person, slag, första dag). "
        "Allt eller inget, fel med postens index och fält, bara klientens enheter, Idempotency-Key. "
        "Behörighet: staff:write."
    ),
    operation_id="absence_create",
    tags=["skriva"],
)
def absence_create(request, payload: AbsenceBatch,
                   idempotency_key: str = Header("", alias="Idempotency-Key", max_length=200,
                                                 description=IDEMPOTENCY_DESCRIPTION)):
    return _batch(request, payload.absence, "staff:write", "absence", "absence", idempotency_key)


# --- reads: deadlines -------------------------------------------------------------------------------------------


class DeadlineOut(Schema):
    case_id: str
    unit: str
    handler: str | None = Field(None, description="Huvudhandläggarens personal-id")
    kind: str = Field(..., description="Fristens slag")
    started_on: dt.date
    due_on: dt.date
    met_on: dt.date | None
    status: str = Field(..., description="open, overdue, met eller missed (sett i dag)")
    source: str = Field(..., description="Lagrummet fristen bygger på")


class DeadlinePage(Schema):
    items: list[DeadlineOut]
    next_cursor: str | None = Field(None, description="Ge som cursor för nästa sida; null på sista sidan")


class DeadlineFilters(Schema):
    unit: str = Field("", max_length=32, description="Enhetskod")
    team: str = Field("", max_length=32, description="Teamkod (huvudhandläggarens team)")
    handler: str = Field("", max_length=64, description="Personal-id för huvud- eller medhandläggare")
    kind: str = Field("", max_length=40, description="Fristens slag: " + ", ".join(DEADLINE_KINDS))
    status: str = Field("", max_length=10, description="open, overdue, met eller missed")
    due_before: dt.date | None = Field(None, description="Bara frister som förfaller senast denna dag")
    cursor: str = Field("", max_length=200, description="next_cursor från förra sidan")
    limit: int = Field(200, ge=1, le=MAX_PAGE, description="Högst så många frister per sida")


def _cursor_decode(text: str) -> tuple[str, int]:
    try:
        case_id, skip = json.loads(base64.urlsafe_b64decode(text.encode() + b"==").decode())
        if not isinstance(case_id, str) or not isinstance(skip, int) or skip < 0:
            raise ValueError
        return case_id, skip
    except (ValueError, TypeError, UnicodeDecodeError):
        message = _("ogiltig cursor; använd next_cursor från förra sidan")
        raise HttpError(422, message) from None


def _cursor_encode(case_id: str, skip: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([case_id, skip]).encode()).decode().rstrip("=")


@api.get(
    "/deadlines/",
    response={200: DeadlinePage, **ERRORS},
    summary="Läsa frister",
    description=(
        "Frister för ärendena i klientens enheter, sedda i dag, sorterade efter ärende-id, med lagrummet "
        "(source). Filter: enhet, team, handläggare, slag, status och förfallodag; sidor med cursor. "
        "Behörighet: deadlines:read."
    ),
    operation_id="deadlines_list",
    tags=["läsa"],
)
def deadlines_list(request, filters: Query[DeadlineFilters]):
    _require(request, "deadlines:read")
    if filters.kind and filters.kind not in DEADLINE_KINDS:
        return Status(422, {"detail": _("Okänt slag av frist."), "errors": [
            {"item": None, "field": "kind", "message": _("tillåtna: %(kinds)s") % {"kinds": ", ".join(DEADLINE_KINDS)}}]})
    if filters.status and filters.status not in STATUSES:
        return Status(422, {"detail": _("Okänd status."), "errors": [
            {"item": None, "field": "status", "message": _("tillåtna: %(statuses)s") % {"statuses": ", ".join(STATUSES)}}]})
    after, skip = _cursor_decode(filters.cursor) if filters.cursor else ("", 0)
    scoped = client_scope_cases(request.auth, "deadlines:read", cases.cases())
    if filters.unit:
        scoped = scoped.filter(unit__code=filters.unit)
    if filters.team:
        scoped = scoped.filter(main_handler__team__code=filters.team)
    if filters.handler:
        scoped = (scoped.filter(main_handler__staff_id=filters.handler)
                  | scoped.filter(co_handler__staff_id=filters.handler))
    if after:
        scoped = scoped.filter(case_id__gte=after)
    today = timezone.localdate()
    items: list[dict] = []
    next_cursor = None
    current, seen_in_case = None, 0
    for row in cases.deadlines_as_of(today, scoped, due_to=filters.due_before):
        deadline = row.deadline
        if (filters.kind and deadline.kind != filters.kind) or (filters.status and deadline.status != filters.status):
            continue
        if row.case_id != current:
            current, seen_in_case = row.case_id, 0
        seen_in_case += 1
        if row.case_id == after and seen_in_case <= skip:
            continue
        if len(items) == filters.limit:
            last = items[-1]["case_id"]
            next_cursor = _cursor_encode(last, (skip if last == after else 0) + sum(
                1 for i in items if i["case_id"] == last))
            break
        items.append({"case_id": row.case_id, "unit": row.unit_code, "handler": row.handler, "kind": deadline.kind,
                      "started_on": deadline.started_on, "due_on": deadline.due_on, "met_on": deadline.met_on,
                      "status": deadline.status, "source": deadline.source})
    shown = sorted({item["case_id"] for item in items})
    record_access(by=request.auth, action="view", what="API: frister", objects=shown, object_type="cases.case",
                  **_origin(request))
    return Status(200, {"items": items, "next_cursor": next_cursor})


# --- events out: the feed ---------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int = Field(..., description="Händelsens löpnummer; ge det som after för att läsa vidare")
    kind: str = Field(..., description="deadline.due_soon, deadline.overdue, deadline.met, case.allocated, "
                                       "import.finished eller import.failed")
    at: str = Field(..., description="När händelsen skapades (ISO 8601)")
    case_id: str | None = Field(None, description="Ärende-id, för händelser om ett ärende")
    unit: str | None = Field(None, description="Enhetskod, för händelser om ett ärende")
    data: dict = Field(default_factory=dict, description="Fristens slag och datum, eller importens antal; bara id:n")


class EventPage(Schema):
    items: list[EventOut]
    next_after: int = Field(..., description="Ge som after i nästa anrop (samma värde när inget nytt finns)")


class EventFilters(Schema):
    after: int = Field(0, ge=0, description="Bara händelser efter detta löpnummer (0 = från början)")
    limit: int = Field(200, ge=1, le=MAX_PAGE, description="Högst så många händelser per anrop")


@api.get(
    "/events/",
    response={200: EventPage, **ERRORS},
    summary="Läsa händelseflödet",
    description=(
        "Vad som har ändrats, i ordning: frister som snart förfaller, har passerat eller uppfyllts, ärenden som "
        "fördelats (för klientens enheter) och importer som blivit klara eller misslyckats. Bara id:n. Läs "
        "vidare med after=next_after. Behörighet: events:read."
    ),
    operation_id="events_list",
    tags=["läsa"],
)
def events_list(request, filters: Query[EventFilters]):
    _require(request, "events:read")
    events = list(selectors.events_for(request.auth, after=filters.after)[:filters.limit])
    items = [event_json(event) for event in events]
    shown = sorted({event.case_id for event in events if event.case_id})
    if shown:
        record_access(by=request.auth, action="view", what="API: händelseflöde", objects=shown,
                      object_type="cases.case", **_origin(request))
    return Status(200, {"items": items, "next_after": events[-1].pk if events else filters.after})


# --- reads: egenkontroll, workload, KPIs, statistics --------------------------------------------------------------


def _bad_parameter(field: str, message: str):
    return Status(422, {"detail": _("Ogiltig parameter: %(field)s.") % {"field": field},
                        "errors": [{"item": None, "field": field, "message": message}]})


def _client_units(request, scope: str, unit: str) -> tuple[list[int], list[str]]:
    """The client's units under ``scope`` (pks, codes), narrowed to ``unit`` when given (none if not its own)."""
    allowed = client_unit_ids(request.auth, scope)
    rows = [(pk, code) for pk, code in units().filter(pk__in=sorted(allowed)).order_by("code").values_list("pk", "code")
            if not unit or code == unit]
    return [pk for pk, _code in rows], [code for _pk, code in rows]


class PeriodFilters(Schema):
    from_: dt.date = Field(..., alias="from", description="Periodens första dag")
    to: dt.date = Field(..., description="Periodens sista dag")
    unit: str = Field("", max_length=32, description="Bara denna enhet (en av klientens)")


def _period_problem(filters) -> str | None:
    if filters.from_ > filters.to:
        return _("from måste vara före eller lika med to")
    if (filters.to - filters.from_).days > 366 * 2:
        return _("perioden får vara högst två år")
    if filters.from_.year < 1990 or filters.to.year > 2100:
        return _("perioden måste ligga mellan 1990 och 2100")
    return None


@api.get(
    "/egenkontroll/",
    response={200: dict, **ERRORS},
    summary="Läsa egenkontrollen för en period",
    description=(
        "Egenkontrollen som på sidan Egenkontroll: per fristslag antal, uppfyllda, missade, andel i tid, median "
        "och 90:e percentil, och brotten med ärende-id, för frister som förfaller i perioden, i klientens "
        "enheter. Behörighet: deadlines:read."
    ),
    operation_id="egenkontroll_get",
    tags=["läsa"],
)
def egenkontroll_get(request, filters: Query[PeriodFilters]):
    _require(request, "deadlines:read")
    if problem := _period_problem(filters):
        return _bad_parameter("from", problem)
    unit_ids, _codes = _client_units(request, "deadlines:read", filters.unit)
    result = cases.egenkontroll(filters.from_, filters.to, unit_ids=unit_ids).as_json()
    shown = sorted({breach["case_id"] for breach in result["breaches"]})
    record_access(by=request.auth, action="view", what=f"API: egenkontroll {filters.from_}–{filters.to}",
                  objects=shown, object_type="cases.case", **_origin(request))
    result["unit"] = filters.unit or None
    return Status(200, json.loads(json.dumps(result, default=str)))


class DayFilters(Schema):
    on: dt.date | None = Field(None, description="Dagen (standard: i dag)")
    unit: str = Field("", max_length=32, description="Bara denna enhet (en av klientens)")


@api.get(
    "/workload/",
    response={200: dict, **ERRORS},
    summary="Läsa arbetsbelastning per enhet och person",
    description=(
        "Belastningen en dag som i rapporten stabil report workload: per handläggare (personal-id, ärenden, "
        "behov, kapacitet, belastning) och per enhet, i klientens enheter. Behörighet: workload:read."
    ),
    operation_id="workload_get",
    tags=["läsa"],
)
def workload_get(request, filters: Query[DayFilters]):
    _require(request, "workload:read")
    on = filters.on or timezone.localdate()
    if not 1990 <= on.year <= 2100:
        return _bad_parameter("on", _("dagen måste ligga mellan 1990 och 2100"))
    unit_ids, _codes = _client_units(request, "workload:read", filters.unit)
    data = workload.report_data(workload.workload_on(on=on, unit_ids=unit_ids)) if unit_ids else {
        "on": on.isoformat(), "config_version": None, "staff": [], "units": []}
    staff_ids = sorted(row["staff_id"] for row in data["staff"])
    record_access(by=request.auth, action="view", what=f"API: arbetsbelastning {on}", objects=staff_ids,
                  object_type="staff.staffmember", **_origin(request))
    return Status(200, json.loads(json.dumps(data, default=str)))


@api.get(
    "/kpi/",
    response={200: list[dict], **ERRORS},
    summary="Läsa nyckeltal för en period",
    description=(
        "De beräknade nyckeltalen (som stabil report kpi) för perioden i klientens enheter. Utan behörigheten "
        "statistics:exact är talen offentliga: antal visas inte, och ett värde som skulle avslöja ett litet "
        "antal döljs (null). Behörighet: kpi:read."
    ),
    operation_id="kpi_list",
    tags=["läsa"],
)
def kpi_list(request, filters: Query[PeriodFilters]):
    _require(request, "kpi:read")
    if problem := _period_problem(filters):
        return _bad_parameter("from", problem)
    _unit_ids, codes = _client_units(request, "kpi:read", filters.unit)
    if not codes:
        return Status(200, [])
    values = governance.computed_kpis(first_day=filters.from_, last_day=filters.to, unit_codes=codes)
    rows = [value.as_dict() for value in values]
    if not client_sees_exact_figures(request.auth):
        threshold = governance.default_threshold()
        for value, row in zip(values, rows, strict=True):
            if governance.kpi_hidden_in_public(value, threshold, single_unit=True):
                row["value"] = None
            row["numerator"] = row["denominator"] = None
    return Status(200, json.loads(json.dumps(rows, default=str)))


class StatisticsFilters(Schema):
    years: str = Field(..., max_length=9, description="År, t.ex. 2024-2025")
    months: str = Field("1-12", max_length=5, description="Månaderna som jämförs varje år, t.ex. 1-8")


@api.get(
    "/statistics/",
    response={200: dict, **ERRORS},
    summary="Läsa statistiktabellen",
    description=(
        "Verksamhetsstatistiken (som stabil report statistics) för klientens enheter. Offentlig version med "
        "små antal dolda, eller exakt med behörigheten statistics:exact. Behörighet: statistics:read."
    ),
    operation_id="statistics_get",
    tags=["läsa"],
)
def statistics_get(request, filters: Query[StatisticsFilters]):
    _require(request, "statistics:read")
    try:
        years = parse_years(filters.years)
        if years[0] < 1990 or years[-1] > 2100 or len(years) > 10:
            raise ValueError("years out of range")
    except ValueError:
        return _bad_parameter("years", _("ange år som ÅÅÅÅ-ÅÅÅÅ, högst tio år mellan 1990 och 2100"))
    try:
        months = parse_months(filters.months)
    except ValueError:
        return _bad_parameter("months", _("ange månader som M-M, t.ex. 1-8"))
    unit_ids, _codes = _client_units(request, "statistics:read", "")
    exact = client_sees_exact_figures(request.auth)
    view = board_report.statistics_view(years=years, months=months, unit_ids=unit_ids, exact=exact,
                                        threshold=governance.default_threshold())
    if exact:
        record_access(by=request.auth, action="view", what=f"API: statistik {years[0]}-{years[-1]} (exakta tal)",
                      **_origin(request))
    return Status(200, json.loads(json.dumps(view.as_json(), default=str)))


class ScenarioOut(Schema):
    id: int
    name: str
    unit: str = Field(..., description="Enhetskod")
    start_on: dt.date
    months: int
    latest_run: dict | None = Field(None, description="Den senaste färdiga körningen: när, antal körningar, "
                                                      "slumpfrö och resultatets sammanfattning")


@api.get(
    "/scenarios/",
    response={200: list[ScenarioOut], **ERRORS},
    summary="Läsa simuleringsscenarier",
    description=(
        "Klientens enheters scenarier med den senaste färdiga körningens sammanfattning (som sidan Simulering "
        "visar). Behörighet: scenarios:read."
    ),
    operation_id="scenarios_list",
    tags=["läsa"],
)
def scenarios_list(request):
    _require(request, "scenarios:read")
    rows = []
    for scenario in simulation.scenarios_of_units(client_unit_ids(request.auth, "scenarios:read")):
        run = scenario.latest_run()
        rows.append({"id": scenario.pk, "name": scenario.name, "unit": scenario.unit.code,
                     "start_on": scenario.start_on, "months": scenario.months,
                     "latest_run": None if run is None else json.loads(json.dumps({
                         "finished_at": run.finished_at, "runs": run.runs, "seed": run.seed,
                         "summary": (run.result or {}).get("summary")}, default=str))})
    return Status(200, rows)
