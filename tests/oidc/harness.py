"""A real OpenID Connect provider for the tests: `oidc-provider` (npm, OpenID-certified) run by Node.js.

``start_provider`` runs ``tests/oidc/provider.mjs`` on 127.0.0.1 (a free port) with one client whose redirect
and post-logout addresses are Stabil's at the given base URLs; ``run.sh setup`` installs it (``npm ci``).
``use_provider`` points Stabil's settings at it exactly as the environment would (``stabil.config.sso``).
``idp_log_in`` walks the provider's own log-in and consent pages over HTTP (``requests``) for tests that use
Django's test client; the browser tests click through the same pages in Chromium.

Nothing here imitates the provider: the tokens, keys, discovery document and end-session endpoint are its own.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from csp.constants import SELF

HERE = Path(__file__).resolve().parent
CLIENT_ID = "stabil-test"
CLIENT_SECRET = "stabil-test-secret-not-for-production"

# Subjects the provider knows extra claims for; any other name typed at its log-in page is a subject too,
# with nothing but ``sub``.
ACCOUNTS = {
    "anna-sub": {"employee_id": "E100", "name": "Anna Berg", "roles": ["stabil-handlaggare"], "units": ["UA"]},
    "boss-sub": {"employee_id": "E200", "roles": ["stabil-admin", "stabil-enhetschef"], "units": ["UA", "UB"]},
    "norole-sub": {"employee_id": "E300", "roles": ["annat-system"], "units": ["UA"]},
}


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    end_sessions: list[dict] = field(default_factory=list)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_provider(base_urls: list[str]) -> Provider:
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the OpenID Connect provider is not installed: run ./run.sh setup (npm ci in tests/oidc)")
    bases = [b.rstrip("/") for b in base_urls]
    env = {
        "PATH": "/usr/bin:/bin",
        "STABIL_OIDC_TEST_REDIRECT_URIS": ",".join(f"{b}/oidc/callback/" for b in bases),
        "STABIL_OIDC_TEST_POST_LOGOUT_URIS": ",".join(f"{b}/logga-in/" for b in bases),
        "STABIL_OIDC_TEST_CLIENT_ID": CLIENT_ID,
        "STABIL_OIDC_TEST_CLIENT_SECRET": CLIENT_SECRET,
        "STABIL_OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen([node, str(HERE / "provider.mjs")], cwd=HERE, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    first = process.stdout.readline()
    if not first:
        process.wait(timeout=10)
        pytest.fail(f"the OpenID Connect provider did not start (exit {process.returncode})")
    provider = Provider(issuer=json.loads(first)["issuer"], process=process)

    def read_events() -> None:
        for line in process.stdout:
            if not line.startswith("{"):
                continue  # the provider's own notices
            event = json.loads(line)
            if "end_session" in event:
                provider.end_sessions.append(event["end_session"])

    threading.Thread(target=read_events, daemon=True).start()
    return provider


def use_provider(settings, provider: Provider, **env: str) -> None:
    """Configure Stabil for ``provider`` through the same function that reads the environment in production."""
    from stabil.accounts import sso
    from stabil.config.sso import authentication_backends, login_settings

    values = login_settings({"STABIL_OIDC_ISSUER": provider.issuer, "STABIL_OIDC_CLIENT_ID": CLIENT_ID,
                             "STABIL_OIDC_CLIENT_SECRET": CLIENT_SECRET, **env}, production=False)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = authentication_backends(local=values["STABIL_LOCAL_LOGIN"], sso=True)
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [SELF, *values["STABIL_SSO_FORM_ACTION_ORIGINS"]]
    settings.CONTENT_SECURITY_POLICY = policy
    sso._metadata.clear()  # a discovery document of another run's provider must not be reused


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)


def idp_log_in(client, subject: str, *, start: str = "/logga-in/kommunen/"):
    """Log in through the provider as ``subject`` with Django's test ``client``; return Stabil's response to
    the callback. The provider's pages are answered as a person would: log-in, then consent."""
    response = client.get(start)
    assert response.status_code == 302, response
    location = response["Location"]
    idp = requests.Session()
    for _ in range(12):
        if urlsplit(location).netloc == "testserver":
            parts = urlsplit(location)
            return client.get(f"{parts.path}?{parts.query}")
        answer = idp.get(location, allow_redirects=False, timeout=10)
        if answer.is_redirect:
            location = urljoin(location, answer.headers["Location"])
            continue
        assert answer.status_code == 200, answer.text[:500]
        action = urljoin(location, _FORM.search(answer.text).group(1))
        data = ({"prompt": "login", "login": subject, "password": "any"} if 'name="login"' in answer.text
                else {"prompt": "consent"})
        answer = idp.post(action, data=data, allow_redirects=False, timeout=10)
        assert answer.is_redirect, answer.text[:500]
        location = urljoin(action, answer.headers["Location"])
    raise AssertionError("the provider's log-in did not lead back to Stabil")
