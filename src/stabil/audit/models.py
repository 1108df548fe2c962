"""The access log: one record per page, export or report that showed personal data.

Records are append-only. The model and its queryset refuse updates and deletes, the admin offers neither,
and the database refuses them itself: on SQLite triggers and an authorizer on every connection
(``guard.py``), on PostgreSQL a trigger and an application role that may only INSERT and SELECT the log
(``roles.py``). Records are chained by hash (``chain.py``): each stores its sequence number, the previous
record's hash and the hash of both with its own content, so ``stabil audit verify`` finds any record
removed or altered. Records are written only by ``services.record_access``.
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

    def bulk_create(self, *args, **kwargs):
        raise ImmutableRecordError("access records are appended one by one with record_access")

    def bulk_update(self, *args, **kwargs):
        raise ImmutableRecordError("access records cannot be changed")


class AccessRecord(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("webb")
        CLI = "cli", _("kommandorad")
        API = "api", _("API")

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
    # The pseudonymous ids of the children whose data the record covers (issue 15: a log extract finds every
    # access to a child exactly, also after the child's cases were removed). Filled by ``record_access``
    # through ``subjects.py`` for records of cases and children; None on older records and on others.
    child_ids = models.JSONField(_("barn"), null=True, blank=True)
    path = models.CharField(_("adress"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    # The hash chain (chain.py): position, the previous record's hash and this record's hash.
    seq = models.BigIntegerField(_("löpnummer"), unique=True, editable=False)
    prev_hash = models.CharField(_("föregående kontrollsumma"), max_length=64, editable=False)
    row_hash = models.CharField(_("kontrollsumma"), max_length=64, editable=False)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("åtkomstpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError("access records cannot be changed")
        raise ImmutableRecordError("access records are appended with stabil.audit.services.record_access")

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("access records cannot be deleted")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.what}"


class ChainHead(models.Model):
    """The end of the access log's hash chain: one row (id 1) that every append updates and locks.

    Appends serialise on this row (chain.py); ``stabil audit verify`` checks that it names the newest
    record, so removing the newest records is found too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chainhead_single_row")]

    def __str__(self) -> str:
        return f"{self.seq} {self.row_hash}"


class ChainCut(models.Model):
    """A removal of the log's oldest records by retention (issue 15): the range removed and the hash the
    chain now starts from, so that ``stabil audit verify`` still checks every record that is left.

    Written only by ``retention.remove_through`` (the owner's path); append-only like the log itself.
    """

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    first_removed = models.BigIntegerField(_("första borttagna löpnummer"))
    last_removed = models.BigIntegerField(_("sista borttagna löpnummer"), unique=True)
    removed_count = models.PositiveIntegerField(_("antal borttagna poster"))
    anchor_hash = models.CharField(_("kontrollsumma som kedjan fortsätter från"), max_length=64)
    reason = models.CharField(_("skäl"), max_length=200)
    by_name = models.CharField(_("av"), max_length=150)

    class Meta:
        verbose_name = _("gallring av åtkomstloggen")
        verbose_name_plural = _("gallringar av åtkomstloggen")
        ordering = ["last_removed"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.first_removed}–{self.last_removed}"
