"""The access log: one record per page, export or report that showed personal data.

Records are append-only. The model and its queryset refuse updates and deletes, the admin offers neither,
and database triggers (migration 0002) refuse them in the database itself, so no role can edit or remove
one.
Changes to data are logged separately with django-auditlog (field diffs, actor).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """Raised on an attempt to change or delete an access record."""


class AccessRecordQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused like single ones."""

    def update(self, **kwargs):
        raise ImmutableRecordError("access records cannot be changed")

    def delete(self):
        raise ImmutableRecordError("access records cannot be deleted")


class AccessRecord(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("webb")
        CLI = "cli", _("kommandorad")

    class Action(models.TextChoices):
        VIEW = "view", _("visade")
        EXPORT = "export", _("exporterade")
        IMPORT = "import", _("importerade")

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        # No database constraint and no cascade: a removed user's records stay as they were, with the
        # user name kept in `username`.
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("användare"), max_length=150, db_index=True)
    role = models.CharField(_("roll"), max_length=32, blank=True)
    channel = models.CharField(_("kanal"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    action = models.CharField(_("händelse"), max_length=16, choices=Action.choices, default=Action.VIEW)
    what = models.CharField(_("vad"), max_length=200)
    object_type = models.CharField(_("objekttyp"), max_length=64, blank=True, db_index=True)
    object_ids = models.JSONField(_("objekt"), default=list, blank=True)
    object_count = models.PositiveIntegerField(_("antal objekt"), default=0)
    path = models.CharField(_("adress"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtkomstpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError("access records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("access records cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.what}"
