"""`stabil retention` and `stabil records`: retention (gallring), log extracts (loggutdrag) and the monthly log
follow-up (logguppföljning) from the command line (docs/records.md, docs/cli.md).

    stabil retention rules
    stabil retention propose [--on DATUM] [--dry-run] [--by ANVÄNDARNAMN]
    stabil retention lists [--by ANVÄNDARNAMN]
    stabil retention approve LISTA --by ANVÄNDARNAMN
    stabil retention run LISTA [--dry-run] [--by ANVÄNDARNAMN]

    stabil records extract (--child ID | --staff ID) [--format json|csv|pdf] [--output FIL] [--by ANVÄNDARNAMN]
    stabil records review list [--by ANVÄNDARNAMN]
    stabil records review show UPPFÖLJNING [--by ANVÄNDARNAMN]
    stabil records review start ÅÅÅÅ-MM --by ANVÄNDARNAMN
    stabil records review mark UPPFÖLJNING POST --comment TEXT [--follow-up TEXT] --by ANVÄNDARNAMN
    stabil records review sign UPPFÖLJNING --by ANVÄNDARNAMN

JSON on standard output, progress and notices on standard error. Without ``--by`` the command is the
server operator's (proposing and running, never approving: an approval is a person's; a log extract over
the whole log; listing and showing follow-ups, never starting, marking or signing one: those are a person's).
"""

from __future__ import annotations

import io
import re
import sys
from datetime import date

from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from stabil.common.cli import (
    CliError,
    SwedishArgumentParser,
    acting_user,
    add_by_argument,
    parse_date,
    require_capability,
)
from stabil.common.output import to_json, write_csv, write_json
from stabil.common.progress import Progress, notice
from stabil.core import logreview, retention

from . import selectors, services
from .models import LogReview
from .pdf import html_to_pdf


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


# --- stabil records: log extracts and the monthly log follow-up ------------------------------------------------


def _records_configure(parser) -> None:
    sub = parser.add_subparsers(dest="records_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    extract = sub.add_parser("extract", help="loggutdrag: alla åtkomster till ett barns eller en medarbetares uppgifter")
    subject = extract.add_mutually_exclusive_group(required=True)
    subject.add_argument("--child", metavar="BARN-ID", help="barnets id")
    subject.add_argument("--staff", metavar="PERSONAL-ID", help="medarbetarens id")
    extract.add_argument("--format", choices=("json", "csv", "pdf"), default="json")
    extract.add_argument("--output", metavar="FIL", help="skriv till filen i stället för standard ut")
    add_by_argument(extract)
    review = sub.add_parser("review", help="logguppföljning: månadens urval, granskning och signering")
    steps = review.add_subparsers(dest="review_command", metavar="STEG", parser_class=SwedishArgumentParser)
    steps.required = True
    add_by_argument(steps.add_parser("list", help="uppföljningarna per månad (rapporten)"))
    show = steps.add_parser("show", help="en uppföljning med sina utvalda poster")
    show.add_argument("review_id", type=int, metavar="UPPFÖLJNING")
    add_by_argument(show)
    start = steps.add_parser("start", help="påbörja uppföljningen av en månad som har passerat (kräver --by)")
    start.add_argument("month", metavar="ÅÅÅÅ-MM")
    add_by_argument(start)
    mark = steps.add_parser("mark", help="markera en utvald post som granskad (kräver --by)")
    mark.add_argument("review_id", type=int, metavar="UPPFÖLJNING")
    mark.add_argument("entry_id", type=int, metavar="POST")
    mark.add_argument("--comment", required=True, metavar="TEXT", help="vad granskningen visade")
    mark.add_argument("--follow-up", default="", metavar="TEXT", help="vad som ska göras, och av vem")
    add_by_argument(mark)
    sign = steps.add_parser("sign", help="signera uppföljningen när alla poster är granskade (kräver --by)")
    sign.add_argument("review_id", type=int, metavar="UPPFÖLJNING")
    add_by_argument(sign)


def _write_bytes(data: bytes, output: str | None) -> None:
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise CliError(f"kan inte skriva filen '{output}' (--output): {exc.strerror}") from None
    notice(f"Skrev {output} ({len(data)} byte).")


def _extract_run(args, by) -> int:
    require_capability(by, "records.log_extract", "loggutdrag")
    kind, subject = ("child", args.child) if args.child is not None else ("staff", args.staff)
    option, label = ("--child", "barnet") if kind == "child" else ("--staff", "medarbetaren")
    if not selectors.valid_subject_id(subject):
        raise CliError(f"{option}: '{subject}' är inget giltigt id")
    extract = (selectors.child_extract(by=by, child_id=subject) if kind == "child"
               else selectors.staff_extract(by=by, staff_id=subject))
    if extract is None:
        # The same message for an id that does not exist and one outside the user's scope (as the page's 404).
        raise CliError(f"{label} {subject} finns inte eller ingår inte i dina enheter ({option})")
    what = {"csv": "Loggutdrag (CSV)", "pdf": "Loggutdrag (PDF)"}.get(args.format, "Loggutdrag")
    # Making the extract is itself logged, with every id it shows (as the page).
    services.log_shown(by=by, action="view" if args.format == "json" else "export", what=f"{what} {subject}",
                       texts=[row.what for row in extract.rows], declared=selectors.extract_declared(extract))
    if args.format == "pdf":
        html = render_to_string("records/extract_pdf.html", {
            "extract": extract, "kind_label": _("barn") if kind == "child" else _("medarbetare"),
            "exists": selectors.subject_exists(kind, subject),
            "made_by": by.get_username() if by is not None else "(kommandorad)"})
        _write_bytes(html_to_pdf(html), args.output)
    elif args.format == "csv":
        buffer = io.StringIO()
        write_csv(selectors.EXTRACT_HEADERS, selectors.extract_table(extract), buffer)
        if args.output:
            _write_bytes(buffer.getvalue().encode("utf-8"), args.output)
        else:
            sys.stdout.write(buffer.getvalue())
    else:
        data = {"kind": kind, "subject_id": subject, "whole_log": extract.whole_log,
                "made_at": extract.made_at.isoformat(), "case_ids": list(extract.case_ids),
                "exists": selectors.subject_exists(kind, subject),
                "rows": [dict(zip(selectors.EXTRACT_HEADERS[:-1], row[:-1], strict=True), objects=list(r.objects))
                         for row, r in zip(selectors.extract_table(extract), extract.rows, strict=True)]}
        if args.output:
            _write_bytes((to_json(data) + "\n").encode("utf-8"), args.output)
        else:
            write_json(data)
    notice(f"{len(extract.rows)} åtkomster i loggutdraget.")
    return 0


MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str) -> date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CliError(f"månaden '{value}' ska skrivas ÅÅÅÅ-MM, till exempel 2026-05")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _at(value) -> str | None:
    return value.isoformat() if value else None


def _review_json(review, entries=None) -> dict:
    data = {"id": review.pk, "month": f"{review.month:%Y-%m}", "candidates": review.candidates,
            "seed": review.seed, "settings": review.review_settings,
            "started_by": review.created_by.get_username() if review.created_by else "(kommandorad)",
            "started_at": _at(review.created_at), "signed_by": review.signed_by_name or None,
            "signed_at": _at(review.signed_at)}
    if entries is not None:
        data["entries"] = [{
            "id": e.entry.pk, "record_seq": e.entry.record_seq, "user": e.entry.username,
            "reasons": list(e.entry.reasons), "access_count": e.entry.access_count,
            "time": _at(e.record.at) if e.record else None, "role": e.record.role if e.record else None,
            "channel": e.record.channel if e.record else None, "ip_address": e.record.ip_address if e.record else None,
            "action": e.record.action if e.record else None, "what": e.record.what if e.record else None,
            "objects": list(e.record.object_ids) if e.record else [],
            "reviewed_by": e.entry.reviewed_by.get_username() if e.entry.reviewed_by else None,
            "reviewed_at": _at(e.entry.reviewed_at), "comment": e.entry.comment, "follow_up": e.entry.follow_up,
        } for e in entries]
    return data


def _show_review(by, review) -> None:
    entries = selectors.review_entries(review)
    texts = [e.record.what for e in entries if e.record] + [" ".join(e.record.object_ids) for e in entries if e.record]
    # The entries are access records: the ids in them are read again, and logged as such (as the page).
    services.log_shown(by=by, action="view", what=f"Logguppföljning {review.month:%Y-%m}", texts=texts, declared={})
    write_json(_review_json(review, entries))


def _review_run(args, by) -> int:
    require_capability(by, "records.log_review", "logguppföljningen")
    command = args.review_command
    if command == "list":
        summaries = []
        for s in selectors.reviews_by_month():
            entries = list(s.review.entries.all())
            summaries.append({**_review_json(s.review), "entries": s.entries, "reviewed": s.reviewed,
                              "follow_ups": s.follow_ups,
                              "by_reason": {r: sum(1 for e in entries if r in e.reasons) for r in logreview.REASONS}})
        write_json(summaries)
        return 0
    if command == "start":
        month = _month(args.month)
    if command in ("start", "mark", "sign") and by is None:
        raise CliError("en logguppföljning är en persons: ange --by ANVÄNDARNAMN")
    if command == "start":
        review = services.review_start(by=by, month=month)
        notice(f"Uppföljningen av {review.month:%Y-%m} är påbörjad: {review.entries.count()} poster valdes ut.")
        _show_review(by, review)
        return 0
    review = LogReview.objects.filter(pk=args.review_id).first()
    if review is None:
        raise CliError(f"uppföljning {args.review_id} finns inte")
    if command == "show":
        _show_review(by, review)
        return 0
    if command == "mark":
        entry = review.entries.filter(pk=args.entry_id).first()
        if entry is None:
            raise CliError(f"post {args.entry_id} finns inte i uppföljning {review.pk}")
        entry = services.review_entry_mark(by=by, entry=entry, comment=args.comment, follow_up=args.follow_up)
        write_json({"id": entry.pk, "review": review.pk, "reviewed_by": by.get_username(),
                    "reviewed_at": _at(entry.reviewed_at), "comment": entry.comment, "follow_up": entry.follow_up})
        return 0
    review = services.review_sign(by=by, review=review)
    notice(f"Uppföljningen av {review.month:%Y-%m} är signerad.")
    write_json(_review_json(review))
    return 0


def _records_run(args) -> int:
    by = acting_user(args.by)
    try:
        if args.records_command == "extract":
            return _extract_run(args, by)
        return _review_run(args, by)
    except services.RecordsError as exc:
        raise CliError(str(exc)) from exc


def register(registry) -> None:
    registry.command("records", help="registervård: loggutdrag och månadens logguppföljning",
                     configure=_records_configure, run=_records_run)
    registry.command("retention", help="gallring: föreslå, godkänn och genomför månadens gallringslistor",
                     configure=_configure, run=_run)
