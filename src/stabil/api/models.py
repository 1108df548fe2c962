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
