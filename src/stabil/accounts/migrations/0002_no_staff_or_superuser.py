"""Clear the staff and superuser flags: Stabil has no Django admin, and rights come from the role alone."""

from django.db import migrations


def clear_flags(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_staff=True).update(is_staff=False)
    User.objects.filter(is_superuser=True).update(is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(clear_flags, migrations.RunPython.noop)]
