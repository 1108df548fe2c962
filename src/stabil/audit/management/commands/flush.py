"""Django's ``flush``, with the access log's SQLite guard lifted while it runs (see ``audit/guard.py``).

``flush`` empties every table; the test suite runs it after each transactional test. On PostgreSQL it
needs the owner's TRUNCATE, which the application's role does not have (``audit/roles.py``).
"""

from django.core.management.commands.flush import Command as DjangoFlushCommand

from stabil.audit.guard import audit_maintenance


class Command(DjangoFlushCommand):
    def handle(self, *args, **options):
        with audit_maintenance():
            return super().handle(*args, **options)
