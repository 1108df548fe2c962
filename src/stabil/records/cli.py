"""`stabil retention`: the destruction lists of retention (gallring) from the command line (docs/cli.md).

    stabil retention rules
    stabil retention propose [--on DATUM] [--dry-run] [--by ANVÄNDARNAMN]
    stabil retention lists [--by ANVÄNDARNAMN]
    stabil retention approve LISTA --by ANVÄNDARNAMN
    stabil retention run LISTA [--dry-run] [--by ANVÄNDARNAMN]

JSON on standard output, progress and notices on standard error. Without ``--by`` the command is the
server operator's (proposing and running, never approving: an approval is a person's).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from stabil.common.cli import (
    CliError,
    SwedishArgumentParser,
    acting_user,
    add_by_argument,
    parse_date,
    require_capability,
)
from stabil.common.output import write_json
from stabil.common.progress import Progress, notice
from stabil.core import retention

from . import selectors, services


def _configure(parser) -> None:
    sub = parser.add_subparsers(dest="retention_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    sub.add_parser("rules", help="gallringsreglerna med källor och kommunens val (JSON)")
    propose = sub.add_parser("propose", help="föreslå månadens gallringslistor, en per enhet")
    propose.add_argument("--on", type=parse_date, metavar="DATUM", help="dagen förslaget gäller (standard: i dag)")
    propose.add_argument("--dry-run", action="store_true", help="visa vad som skulle föreslås utan att spara")
    add_by_argument(propose)
    lists = sub.add_parser("lists", help="gallringslistorna du får se (JSON)")
    add_by_argument(lists)
    approve = sub.add_parser("approve", help="godkänn en gallringslista (kräver --by)")
    approve.add_argument("list_id", type=int, metavar="LISTA")
    add_by_argument(approve)
    run = sub.add_parser("run", help="genomför en godkänd gallringslista (eller provkör den)")
    run.add_argument("list_id", type=int, metavar="LISTA")
    run.add_argument("--dry-run", action="store_true", help="visa vad som skulle tas bort utan att ta bort något")
    add_by_argument(run)


def _list_json(dlist) -> dict:
    return {"id": dlist.pk, "month": f"{dlist.month:%Y-%m}", "unit": dlist.unit.code if dlist.unit else None,
            "status": dlist.status, "counts": dlist.counts, "proposed_by": dlist.proposed_by_name,
            "approved_by": [{"user": a.username, "role": a.role, "at": a.at.isoformat()} for a in dlist.approvals.all()],
            "run_by": dlist.run_by_name or None, "run_at": dlist.run_at.isoformat() if dlist.run_at else None,
            "result": dlist.result or None}


def _run(args) -> int:
    command = args.retention_command
    if command == "rules":
        rules = selectors.retention_rules()
        write_json([{"kind": kind, "label": str(selectors.KIND_LABELS[kind]), "years": rules.years(kind),
                     "source": retention.SOURCES[kind]} for kind in retention.KINDS]
                   + [{"keep_placements": rules.keep_placements, "research_days": sorted(rules.research_days)}])
        return 0
    by = acting_user(args.by)
    try:
        if command == "propose":
            made = services.retention_propose(by=by, on=args.on, dry_run=args.dry_run)
            if args.dry_run:
                write_json([{"unit": dl.unit.code if dl.unit else None, "counts": dl.counts,
                             "items": [{"kind": i.kind, "id": i.object_id, "obligation": i.obligation}
                                       for i in dl.preview]} for dl in made])
            else:
                write_json([_list_json(dl) for dl in made])
            notice(f"{len(made)} gallringslistor {'skulle föreslås' if args.dry_run else 'föreslogs'}.")
            return 0
        if command == "lists":
            require_capability(by, "records.retention_view", "gallringslistorna")
            write_json([_list_json(dl) for dl in selectors.lists_for(by)])
            return 0
        dlist = selectors.lists_for(by).filter(pk=args.list_id).first()
        if dlist is None:
            raise CliError(f"gallringslista {args.list_id} finns inte eller ingår inte i dina enheter")
        if command == "approve":
            if by is None:
                raise CliError("ett godkännande är en persons: ange --by ANVÄNDARNAMN")
            dlist = services.retention_approve(by=by, destruction_list=dlist)
            write_json(_list_json(dlist))
            notice("Listan är godkänd av två roller och kan genomföras." if dlist.status == "approved"
                   else "Godkännandet är sparat; listan behöver ett godkännande till, i den andra rollen.")
            return 0
        steps = Progress(None, f"Gallringslista {dlist.pk}", interval=0.5)
        result = services.retention_run(by=by, destruction_list=dlist, dry_run=args.dry_run,
                                        progress=lambda fraction, message="": steps.advance(0, message))
        steps.finish()
        write_json(result)
        return 0
    except PermissionDenied as exc:
        raise CliError(f"användaren '{by.username if by else '(kommandorad)'}' har inte behörighet till "
                       "det här steget av gallringen") from exc
    except services.RecordsError as exc:
        raise CliError(str(exc)) from exc


def register(registry) -> None:
    registry.command("retention", help="gallring: föreslå, godkänn och genomför månadens gallringslistor",
                     configure=_configure, run=_run)
