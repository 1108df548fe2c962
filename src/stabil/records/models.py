"""Record-keeping (issue 15): the monthly log follow-up and the destruction lists of retention.

The access log itself is ``stabil.audit``; this app reads it. Changes to these rows are in the change log
(django-auditlog, registered in ``apps.py``) with who and when.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtectedChild(models.Model):
    """A child whose every access the log follow-up selects (skyddade personuppgifter, or watched)."""

    child_id = models.CharField(_("barn-id"), max_length=64, unique=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("markerad av"))
    marked_at = models.DateTimeField(_("markerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skyddat barn")
        verbose_name_plural = _("skyddade barn")
        ordering = ["child_id"]

    def __str__(self) -> str:
        return self.child_id


class LogReview(models.Model):
    """One month's log follow-up (logguppföljning): its selection, the reviewer's marks and the signature.

    The selection is stored (entries) together with the seed of its random sample and the settings it was
    made with, so it can be shown and made again exactly (``core.logreview``).
    """

    month = models.DateField(_("månad"), unique=True, help_text=_("Månadens första dag."))
    seed = models.BigIntegerField(_("slumpfrö"))
    review_settings = models.JSONField(_("inställningar"), default=dict)
    candidates = models.PositiveIntegerField(_("åtkomster under månaden"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("påbörjad av"))
    created_at = models.DateTimeField(_("påbörjad"), auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("signerad av"))
    signed_by_name = models.CharField(_("signerad av (namn)"), max_length=150, blank=True)
    signed_at = models.DateTimeField(_("signerad"), null=True, blank=True)

    class Meta:
        verbose_name = _("logguppföljning")
        verbose_name_plural = _("logguppföljningar")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class ReviewEntry(models.Model):
    """A selected access (or, for many accesses, a user's month), with the reviewer's mark."""

    review = models.ForeignKey(LogReview, on_delete=models.CASCADE, related_name="entries")
    record_seq = models.BigIntegerField(_("löpnummer"), null=True, blank=True)
    username = models.CharField(_("användare"), max_length=150)
    reasons = models.JSONField(_("skäl"), default=list)
    access_count = models.PositiveIntegerField(_("antal åtkomster"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("granskad av"))
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True, max_length=2000)
    follow_up = models.TextField(_("uppföljning"), blank=True, max_length=2000,
                                 help_text=_("Vad som ska göras, och av vem. Tomt: ingen uppföljning behövs."))

    class Meta:
        verbose_name = _("granskad post")
        verbose_name_plural = _("granskade poster")
        ordering = ["review", "record_seq", "username"]

    def __str__(self) -> str:
        return f"{self.review} {self.record_seq or self.username}"

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None


class DestructionList(models.Model):
    """A month's destruction list (gallringslista) for one unit, or for the unit-less access log.

    Proposed with the ids that are due (``DestructionItem``), approved by two people of two roles
    (``DestructionApproval``: the archivist and a manager who sees the unit), then run by the worker. After
    the run the items are deleted: the list keeps what kinds and how many were removed, who approved and
    who ran it, and when — never the data.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Föreslagen")
        APPROVED = "approved", _("Godkänd")
        DONE = "done", _("Genomförd")
        WITHDRAWN = "withdrawn", _("Ersatt")

    month = models.DateField(_("månad"))
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("enhet"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    counts = models.JSONField(_("antal per slag"), default=dict)
    rules = models.JSONField(_("gallringsregler"), default=dict)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("föreslagen av"))
    proposed_by_name = models.CharField(_("föreslagen av (namn)"), max_length=150)
    proposed_at = models.DateTimeField(_("föreslagen"), auto_now_add=True)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("genomförd av"))
    run_by_name = models.CharField(_("genomförd av (namn)"), max_length=150, blank=True)
    run_at = models.DateTimeField(_("genomförd"), null=True, blank=True)
    result = models.JSONField(_("resultat"), default=dict, blank=True)

    class Meta:
        verbose_name = _("gallringslista")
        verbose_name_plural = _("gallringslistor")
        ordering = ["-month", "unit__code", "-pk"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit.code if self.unit else '—'}"


class DestructionItem(models.Model):
    """One thing a list removes: a child, a person, an exit-interview comment, or the access log's old part."""

    destruction_list = models.ForeignKey(DestructionList, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("slag"), max_length=16)
    object_id = models.CharField(_("id"), max_length=64, blank=True)
    obligation = models.DateField(_("gallringsskyldighet från"))
    detail = models.JSONField(_("omfattning"), default=dict, blank=True)

    class Meta:
        verbose_name = _("post i gallringslista")
        verbose_name_plural = _("poster i gallringslista")
        ordering = ["kind", "object_id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class DestructionApproval(models.Model):
    """An approval of a destruction list: who (and in which role), when."""

    destruction_list = models.ForeignKey(DestructionList, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("godkänd av"))
    username = models.CharField(_("godkänd av (namn)"), max_length=150)
    role = models.CharField(_("roll"), max_length=32)
    at = models.DateTimeField(_("godkänd"), auto_now_add=True)

    class Meta:
        verbose_name = _("godkännande")
        verbose_name_plural = _("godkännanden")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["destruction_list", "username"], name="one_approval_each")]

    def __str__(self) -> str:
        return f"Godkännande av gallringslista {self.destruction_list_id} av {self.username}"


class RemovedOpening(models.Model):
    """Investigations opened, counted per unit, category and month, of children whose data were removed: the
    statistics table (``governance.selectors.statistics_table``) adds them, so earlier years stay as they were."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("gallrad utredningsstart (antal)")
        verbose_name_plural = _("gallrade utredningsstarter (antal)")


class RemovedSpell(models.Model):
    """An intervention of a removed child, to the month and without the child: start and end month."""

    unit = models.ForeignKey("organisation.Unit", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16)
    started_on = models.DateField()  # the first day of the start month
    ended_on = models.DateField(null=True, blank=True)  # the last day of the end month; None: still running

    class Meta:
        verbose_name = _("gallrad insatsperiod")
        verbose_name_plural = _("gallrade insatsperioder")
