"""Reads of the API app: the integration clients, for the sysadmin's pages and the command line."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from stabil.accounts.policy import client_unit_ids

from .models import ApiClient, ApiEvent, WebhookDelivery, WebhookSubscription


def clients() -> QuerySet:
    """Every integration client, by name, with its units."""
    return ApiClient.objects.prefetch_related("units").order_by("name")


def client_by_key_id(key_id: str) -> ApiClient | None:
    return ApiClient.objects.filter(key_id=key_id).first()


def events_for(client, *, after: int = 0) -> QuerySet:
    """The events ``client`` may read after number ``after``, oldest first: those of its units, imports by
    files, and its own API batches (``accounts.policy.client_unit_ids`` under ``events:read``)."""
    unit_ids = sorted(client_unit_ids(client, "events:read"))
    visible = Q(unit_id__in=unit_ids) | Q(unit__isnull=True, case_id="", client__isnull=True) | Q(
        unit__isnull=True, case_id="", client_id=client.pk)
    return ApiEvent.objects.filter(visible, pk__gt=after).order_by("pk")


def webhooks_of(client) -> QuerySet:
    return WebhookSubscription.objects.filter(client=client).order_by("pk")


def deliveries_of(client, *, limit: int = 100) -> list:
    """The newest deliveries to ``client``'s subscribers: the delivery log the sysadmin sees."""
    return list(WebhookDelivery.objects.filter(subscription__client=client).select_related("event", "subscription")
                .order_by("-pk")[:limit])
