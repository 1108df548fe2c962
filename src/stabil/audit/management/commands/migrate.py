"""Django's ``migrate``, with the access log's SQLite guard lifted while it runs (see ``audit/guard.py``):
migrations create and rebuild the log's table and triggers."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from stabil.audit.guard import audit_maintenance


class Command(DjangoMigrateCommand):
    def handle(self, *args, **options):
        with audit_maintenance():
            return super().handle(*args, **options)
