"""Fixtures for the REST API: integration clients with tokens, and a client that sends them."""

from __future__ import annotations

import pytest
from django.test import Client

ALL_SCOPES = ["case-events:write", "staff:write", "deadlines:read", "workload:read", "kpi:read", "statistics:read",
              "events:read", "scenarios:read"]


def make_client(name: str, scopes, units=()):
    from stabil.api.services import client_create

    client, token = client_create(by=None, name=name, owner="IT-avdelningen", scopes=list(scopes),
                                  unit_codes=[u.code for u in units])
    return client, token


class Api:
    """A Django test client that sends a bearer token (and no cookie)."""

    def __init__(self, token: str | None):
        self.http = Client()
        self.token = token

    def _headers(self, extra):
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, params=None, headers=None):
        return self.http.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body, headers=None):
        return self.http.post(path, body, content_type="application/json", headers=self._headers(headers))


@pytest.fixture
def api_for():
    return Api
