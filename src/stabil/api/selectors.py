"""Reads of the API app: the integration clients, for the sysadmin's pages and the command line."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiClient


def clients() -> QuerySet:
    """Every integration client, by name, with its units."""
    return ApiClient.objects.prefetch_related("units").order_by("name")


def client_by_key_id(key_id: str) -> ApiClient | None:
    return ApiClient.objects.filter(key_id=key_id).first()
