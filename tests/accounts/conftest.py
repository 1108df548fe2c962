"""Fixtures for log-in tests: a real OpenID Connect provider (tests/oidc/harness.py)."""

import pytest

from tests.oidc.harness import start_provider, use_provider


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider, for Django's test client (Stabil at http://testserver)."""
    provider = start_provider(["http://testserver"])
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, oidc_provider):
    """Stabil configured for the provider, local log-in still on."""
    use_provider(settings, oidc_provider)
    return oidc_provider
