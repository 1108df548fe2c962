"""`stabil api`: integration clients of the REST API from the command line (docs/api.md).

    stabil api client-create NAMN --owner ANSVARIG --scope BEHÖRIGHET [--scope …] [--unit KOD …]
                             [--expires DATUM] [--by ANVÄNDARNAMN]
    stabil api client-list [--by ANVÄNDARNAMN]
    stabil api client-revoke NYCKEL-ID [--by ANVÄNDARNAMN]
    stabil api webhook-add NYCKEL-ID URL [--kind HÄNDELSE …] [--by ANVÄNDARNAMN]
    stabil api tick

JSON on standard output. ``client-create`` prints the token once (``token``); only its hash is stored.
Without ``--by`` the command is the server operator's; with it the user needs ``accounts.manage`` (sysadmin).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from stabil.accounts.policy import has_capability
from stabil.common.cli import CliError, SwedishArgumentParser, acting_user, add_by_argument, parse_date
from stabil.common.output import write_json

from . import selectors, services


def _configure(parser) -> None:
    sub = parser.add_subparsers(dest="api_command", metavar="KOMMANDO", parser_class=SwedishArgumentParser)
    sub.required = True
    create = sub.add_parser("client-create", help="registrera en klient; nyckeln skrivs ut en gång")
    create.add_argument("name", metavar="NAMN", help="klientens namn, t.ex. systemets")
    create.add_argument("--owner", required=True, metavar="ANSVARIG", help="vem som ansvarar för integrationen")
    create.add_argument("--scope", action="append", required=True, metavar="BEHÖRIGHET",
                        help="behörighet, t.ex. case-events:write (kan upprepas)")
    create.add_argument("--unit", action="append", default=[], metavar="KOD", help="enhetskod (kan upprepas)")
    create.add_argument("--expires", type=parse_date, metavar="DATUM", help="gäller till och med (ÅÅÅÅ-MM-DD)")
    add_by_argument(create)
    listing = sub.add_parser("client-list", help="lista klienterna (utan nycklar)")
    add_by_argument(listing)
    revoke = sub.add_parser("client-revoke", help="återkalla en klient: nyckeln slutar gälla")
    revoke.add_argument("key_id", metavar="NYCKEL-ID")
    add_by_argument(revoke)
    webhook = sub.add_parser("webhook-add", help="prenumerera på händelser; signeringsnyckeln skrivs ut en gång")
    webhook.add_argument("key_id", metavar="NYCKEL-ID")
    webhook.add_argument("url", metavar="URL", help="https-adressen som tar emot händelserna")
    webhook.add_argument("--kind", action="append", default=[], metavar="HÄNDELSE",
                         help="bara denna händelse, t.ex. deadline.overdue (kan upprepas; standard: alla)")
    add_by_argument(webhook)
    sub.add_parser("tick", help="skapa nya händelser och skicka webhooks som står på tur (som arbetaren gör)")


def _client_json(client) -> dict:
    return {"name": client.name, "owner": client.owner, "key_id": client.key_id, "scopes": client.scopes,
            "units": sorted(u.code for u in client.units.all()),
            "expires_at": client.expires_at.isoformat() if client.expires_at else None,
            "revoked_at": client.revoked_at.isoformat() if client.revoked_at else None,
            "usable": client.is_usable}


def _run(args) -> int:
    if args.api_command == "tick":
        write_json(services.api_tick())
        return 0
    by = acting_user(args.by)
    if by is not None and not has_capability(by, "accounts.manage"):
        raise CliError(f"användaren '{by.username}' ({by.get_role_display()}) får inte hantera API-klienter")
    try:
        if args.api_command == "client-create":
            client, token = services.client_create(by=by, name=args.name, owner=args.owner, scopes=args.scope,
                                                   unit_codes=args.unit, expires_on=args.expires)
            write_json({**_client_json(client), "token": token})
            return 0
        if args.api_command == "client-list":
            write_json([_client_json(c) for c in selectors.clients()])
            return 0
        client = selectors.client_by_key_id(args.key_id)
        if client is None:
            raise CliError(f"det finns ingen klient med nyckel-id {args.key_id}")
        if args.api_command == "webhook-add":
            subscription, secret = services.webhook_add(by=by, client=client, url=args.url, kinds=args.kind)
            write_json({"id": subscription.pk, "client": client.key_id, "url": subscription.url,
                        "kinds": subscription.kinds, "secret": secret})
            return 0
        write_json(_client_json(services.client_revoke(by=by, client=client)))
        return 0
    except services.ApiInputError as exc:
        raise CliError(str(exc)) from exc
    except PermissionDenied as exc:
        raise CliError("du får inte hantera API-klienter") from exc


def register(registry) -> None:
    registry.command("api", help="REST-API:ts klienter och webhooks: skapa, lista, återkalla, skicka", configure=_configure, run=_run)
