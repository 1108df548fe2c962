"""Integration clients of the REST API and what the API keeps for them (issue 14, docs/api.md).

A client's token is ``stabil_<key_id>_<secret>``; only ``key_id`` (to find the client) and the SHA-256 of the
secret are stored, so a token is shown once, when made, and never again. A 256-bit random secret needs no slow
hash: nothing can be guessed from its digest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    owner = models.CharField(_("ansvarig"), max_length=200,
                             help_text=_("Vem som ansvarar för systemet som använder klienten."))
    scopes = models.JSONField(_("behörigheter"), default=list)
    units = models.ManyToManyField("organisation.Unit", related_name="+", blank=True, verbose_name=_("enheter"))
    key_id = models.CharField(_("nyckel-id"), max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    expires_at = models.DateTimeField(_("upphör"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")

    def __str__(self) -> str:
        return self.key_id  # the rate limit's key (ninja's AuthRateThrottle hashes str(request.auth))

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def access_log_label(self) -> str:
        """How the access log names the client (``audit.services.record_access``)."""
        return f"api:{self.name} ({self.key_id})"

    def unit_ids(self) -> list[int]:
        cached = getattr(self, "_unit_ids", None)
        if cached is None:
            cached = self._unit_ids = list(self.units.values_list("pk", flat=True))
        return cached


class IdempotentBatch(models.Model):
    """A batch stored under an ``Idempotency-Key``: a retry with the key gets this answer and stores nothing."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    endpoint = models.CharField(max_length=100)
    body_sha256 = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_once_per_client")]


class ApiEvent(models.Model):
    """Something that changed, for the events feed and the webhooks: ids only, never a name (issue 14).

    ``unit`` scopes it (a client sees the events of its units); an event without a unit (an import) is seen by
    every client with ``events:read``, or only by ``client`` when set (its own API batch). ``key`` makes each
    happening announced once (e.g. one "overdue" per deadline).
    """

    class Kind(models.TextChoices):
        DEADLINE_DUE_SOON = "deadline.due_soon", _("frist snart")
        DEADLINE_OVERDUE = "deadline.overdue", _("frist passerad")
        DEADLINE_MET = "deadline.met", _("frist uppfylld")
        CASE_ALLOCATED = "case.allocated", _("ärende fördelat")
        IMPORT_FINISHED = "import.finished", _("import klar")
        IMPORT_FAILED = "import.failed", _("import misslyckad")

    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    unit = models.ForeignKey("organisation.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client = models.ForeignKey(ApiClient, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]


class ScanState(models.Model):
    """Where the last scan for events stopped (one row): the newest case event already looked at."""

    last_case_event_pk = models.BigIntegerField(default=0)


class WebhookSubscription(models.Model):
    """A client's address for events, and the secret its deliveries are signed with (HMAC-SHA256)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("adress"), max_length=500)
    kinds = models.JSONField(_("händelser"), default=list, blank=True)  # empty: every kind
    secret = models.CharField(max_length=100)  # needed to sign: kept, shown once when made
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class WebhookDelivery(models.Model):
    """One event to one subscriber: its attempts, the last answer, and when it is tried again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("väntar")
        DELIVERED = "delivered", _("levererad")
        FAILED = "failed", _("gav upp")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ApiEvent, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
