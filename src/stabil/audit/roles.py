"""PostgreSQL: the roles that keep the access log append-only against the application itself.

- The **owner role** (``STABIL_MIGRATE_DATABASE_URL``) runs ``stabil migrate``. It owns the access log
  (``audit_accessrecord``), its chain head and ``django_migrations``, and is a member of the app role so
  that it can migrate the app's tables.
- The **app role** (``DATABASE_URL``) runs the web server, the worker and the CLI. It owns the ordinary
  tables (the bulk import drops and rebuilds their indexes, which only an owner may), but on the access
  log it has only SELECT and INSERT: no UPDATE, DELETE or TRUNCATE, and not being the owner it cannot
  ALTER the table, disable or drop its trigger, or drop it. On the chain head it has SELECT, INSERT and
  UPDATE (every append moves the head; changing it by hand breaks the chain for ``stabil audit verify``).

``cluster_sql`` and ``database_sql`` create the roles (``stabil db-roles``, as a superuser, once);
``apply_grants`` is run by ``stabil migrate`` as the owner after every migration, so new tables get the
same split.
"""

from __future__ import annotations

from psycopg import sql

PROTECTED = {
    # table: the app role's privileges
    "audit_accessrecord": "SELECT, INSERT",
    "audit_chainhead": "SELECT, INSERT, UPDATE",
    # Retention's removals of old records (issue 15): written by the owner only.
    "audit_chaincut": "SELECT",
    "django_migrations": "SELECT",
}


def _ident(name: str) -> str:
    return sql.Identifier(name).as_string(None)


def _literal(value: str) -> str:
    return sql.Literal(value).as_string(None)


def _create_role(name: str, password: str | None) -> list[str]:
    statements = [
        (f"DO $$ BEGIN CREATE ROLE {_ident(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; "
         "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    ]
    if password:
        statements.append(f"ALTER ROLE {_ident(name)} PASSWORD {_literal(password)}")
    return statements


def cluster_sql(*, app_role: str, owner_role: str, app_password: str | None = None,
                owner_password: str | None = None) -> list[str]:
    """Statements for any database of the cluster: the two roles, the owner a member of the app role."""
    return [
        *_create_role(owner_role, owner_password),
        *_create_role(app_role, app_password),
        f"GRANT {_ident(app_role)} TO {_ident(owner_role)}",
    ]


def database_sql(*, app_role: str, owner_role: str, database: str) -> list[str]:
    """Statements run connected to ``database``: the owner owns it and its schema, the app may connect.

    The app role may create in the schema because it owns the ordinary tables (an owner needs that).
    """
    db, app, owner = _ident(database), _ident(app_role), _ident(owner_role)
    return [
        f"ALTER DATABASE {db} OWNER TO {owner}",
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {app}",
        f"ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA public TO {app}",
    ]


def roles_sql(*, app_role: str, owner_role: str, database: str, app_password: str | None = None,
              owner_password: str | None = None) -> list[str]:
    """Both, for a connection to ``database`` itself."""
    return [*cluster_sql(app_role=app_role, owner_role=owner_role, app_password=app_password,
                         owner_password=owner_password),
            *database_sql(app_role=app_role, owner_role=owner_role, database=database)]


def apply_grants(cursor, *, app_role: str, owner_role: str | None = None) -> list[str]:
    """Give the tables of the current schema to the app role, except the access log's (the owner's).

    Run by the owner (or a superuser) after migrating; returns the statements it executed.
    """
    app = _ident(app_role)
    owner = _ident(owner_role) if owner_role else "CURRENT_USER"
    cursor.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY c.relname")
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW"}
    statements = []
    for name, kind in cursor.fetchall():
        table = _ident(name)
        if name in PROTECTED:
            statements += [
                f"ALTER TABLE {table} OWNER TO {owner}",
                f"REVOKE ALL ON TABLE {table} FROM PUBLIC, {app}",
                f"GRANT {PROTECTED[name]} ON TABLE {table} TO {app}",
            ]
        else:
            statements.append(f"ALTER {kinds[kind]} {table} OWNER TO {app}")
    cursor.execute("SELECT pg_get_serial_sequence('audit_accessrecord', 'id')")
    (sequence,) = cursor.fetchone()
    if sequence:
        statements += [f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {app}",
                       f"GRANT USAGE, SELECT ON SEQUENCE {sequence} TO {app}"]
    cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'audit_accessrecord_append_only'")
    if cursor.fetchone():
        statements.append(f"ALTER FUNCTION audit_accessrecord_append_only() OWNER TO {owner}")
    for statement in statements:
        cursor.execute(statement)
    return statements
