"""`stabil audit verify` (check the access log's hash chain) and `stabil db-roles` (PostgreSQL roles)."""

from __future__ import annotations

import argparse
import os
import sys

import psycopg

from stabil.common.cli import CliError, SwedishArgumentParser
from stabil.common.progress import Progress

from .chain import anchor_problem, verify_chain
from .roles import cluster_sql, database_sql


def _audit_configure(parser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    verify = sub.add_parser(
        "verify", help="kontrollera att ingen post i åtkomstloggen har tagits bort eller ändrats",
        description="Går igenom hela åtkomstloggen i ordning och kontrollerar kedjan av kontrollsummor. "
        "Slutkod 0 när loggen är hel, 1 när någon post saknas eller har ändrats.")
    verify.add_argument("--expect", metavar="LÖPNUMMER:KONTROLLSUMMA", type=_anchor,
                        help="löpnummer och kontrollsumma från en tidigare kontroll, sparade utanför Stabil")


def _anchor(value: str) -> tuple[int, str]:
    seq, _, row_hash = value.partition(":")
    if not seq.strip().isascii() or not seq.strip().isdigit() or len(row_hash.strip()) != 64:
        raise argparse.ArgumentTypeError(f"'{value}' ska skrivas LÖPNUMMER:KONTROLLSUMMA (64 hexadecimala tecken)")
    return int(seq), row_hash.strip()


def _verify(args) -> int:
    progress: Progress | None = None

    def on_progress(done: int, total: int) -> None:
        nonlocal progress
        if progress is None:
            progress = Progress(total, "Kontrollerar åtkomstloggen", interval=1.0)
        progress.advance(done - progress.done_steps)

    report = verify_chain(on_progress=on_progress)
    if progress is not None:
        progress.finish()
    if args.expect:
        problem = anchor_problem(*args.expect)
        if problem:
            report.problems.append(problem)
    for cut in report.cuts:
        print(f"Gallrat {cut.at:%Y-%m-%d}: löpnummer {cut.first_removed}–{cut.last_removed} ({cut.removed_count} "
              f"poster, {cut.reason}, av {cut.by_name}).")
    if not report.problems:
        print(f"Åtkomstloggen är hel: {report.count} poster, senaste löpnummer {report.last_seq}.")
        print(f"Kontrollpunkt: {report.last_seq}:{report.last_hash}")
        print("Spara kontrollpunkten utanför Stabil och ange den vid nästa kontroll (--expect): så upptäcks "
              "också att de senaste posterna tagits bort och kedjan byggts om.")
        return 0
    print(f"Åtkomstloggen är inte hel ({len(report.problems)} fel, {report.count} poster kontrollerade):")
    for problem in report.problems:
        print(f"- {problem}")
    return 1


def _audit_run(args) -> int:
    return {"verify": _verify}[args.audit_command](args)


def _roles_configure(parser) -> None:
    parser.add_argument("--app-role", default="stabil_app", help="rollen som appen kör som (DATABASE_URL)")
    parser.add_argument("--owner-role", default="stabil_owner",
                        help="rollen som äger tabellerna och migrerar (STABIL_MIGRATE_DATABASE_URL)")
    parser.add_argument("--database", default="stabil", help="databasens namn")
    parser.add_argument("--app-password-env", metavar="VAR", help="läs appens lösenord från miljövariabeln VAR")
    parser.add_argument("--owner-password-env", metavar="VAR", help="läs ägarens lösenord från miljövariabeln VAR")
    parser.add_argument("--execute", metavar="URL",
                        help="kör SQL-satserna som superanvändare mot postgresql://… i stället för att skriva ut dem")


def _password(variable: str | None) -> str | None:
    if not variable:
        return None
    value = os.environ.get(variable, "")
    if not value:
        raise CliError(f"miljövariabeln {variable} är tom eller saknas")
    return value


def _roles_run(args) -> int:
    roles = {"app_role": args.app_role, "owner_role": args.owner_role}
    cluster = cluster_sql(**roles, app_password=_password(args.app_password_env),
                          owner_password=_password(args.owner_password_env))
    database = database_sql(**roles, database=args.database)
    create_database = (f"SELECT 'CREATE DATABASE ' || quote_ident({_quote_literal(args.database)}) || "
                       f"' OWNER ' || quote_ident({_quote_literal(args.owner_role)}) WHERE NOT EXISTS "
                       f"(SELECT 1 FROM pg_database WHERE datname = {_quote_literal(args.database)})")
    if not args.execute:
        print("-- Stabil: roller för PostgreSQL. Kör som superanvändare: stabil db-roles | psql -v ON_ERROR_STOP=1")
        for statement in cluster:
            print(statement + ";")
        print(create_database + r" \gexec")
        print(rf"\connect {args.database}")
        for statement in database:
            print(statement + ";")
        return 0
    try:
        with psycopg.connect(args.execute, autocommit=True) as conn:
            for statement in cluster:
                conn.execute(statement)
            row = conn.execute(create_database).fetchone()
            if row:
                conn.execute(row[0])
        with psycopg.connect(args.execute, dbname=args.database, autocommit=True) as conn:
            for statement in database:
                conn.execute(statement)
    except psycopg.Error as exc:
        raise CliError(f"PostgreSQL svarade: {str(exc).strip().splitlines()[0]}") from exc
    sys.stderr.write(f"Rollerna {args.owner_role} (ägare) och {args.app_role} (app) finns i databasen "
                     f"{args.database}. Kör nu stabil migrate med STABIL_MIGRATE_DATABASE_URL satt.\n")
    return 0


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def register(registry) -> None:
    registry.command("audit", help="åtkomstloggen: kontrollera kedjan av kontrollsummor", configure=_audit_configure,
                     run=_audit_run)
    registry.command("db-roles", help="PostgreSQL: skapa ägarrollen och approllen (skriver ut SQL, eller kör med "
                     "--execute)", configure=_roles_configure, run=_roles_run, needs_db=False)
