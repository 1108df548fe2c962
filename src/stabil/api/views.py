"""The sysadmin's pages for integration clients, and the API's Swedish documentation page (issue 14)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import API_SCOPES, require_capability

from . import selectors, services
from .forms import ClientCreateForm, WebhookForm
from .v1 import api


@require_capability("accounts.manage")
def client_list(request):
    return render(request, "api/client_list.html", {"clients": selectors.clients(), "scopes": API_SCOPES})


@require_capability("accounts.manage")
def client_create(request):
    form = ClientCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            client, token = services.client_create(by=request.user, name=data["name"], owner=data["owner"],
                                                   scopes=data["scopes"], unit_codes=data["units"],
                                                   expires_on=data["expires_on"])
        except services.ApiInputError as exc:
            form.add_error(None, str(exc))
        else:
            # The token is shown on this one answer and never again (only its hash is stored).
            return render(request, "api/client_token.html", {"client": client, "token": token})
    return render(request, "api/client_create.html", {"form": form})


@require_capability("accounts.manage")
def client_detail(request, key_id: str):
    client = selectors.client_by_key_id(key_id)
    if client is None:
        raise Http404
    return render(request, "api/client_detail.html", {
        "client": client, "scopes": API_SCOPES, "webhooks": selectors.webhooks_of(client),
        "deliveries": selectors.deliveries_of(client), "form": WebhookForm()})


@require_capability("accounts.manage")
@require_POST
def webhook_add(request, key_id: str):
    client = selectors.client_by_key_id(key_id)
    if client is None:
        raise Http404
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            subscription, secret = services.webhook_add(by=request.user, client=client, url=form.cleaned_data["url"],
                                                        kinds=form.cleaned_data["kinds"])
        except services.ApiInputError as exc:
            form.add_error(None, str(exc))
        else:
            # The signing secret is shown on this one answer only.
            return render(request, "api/webhook_secret.html", {"client": client, "subscription": subscription,
                                                               "secret": secret})
    return render(request, "api/client_detail.html", {
        "client": client, "scopes": API_SCOPES, "webhooks": selectors.webhooks_of(client),
        "deliveries": selectors.deliveries_of(client), "form": form})


@require_capability("accounts.manage")
@require_POST
def client_revoke(request, key_id: str):
    client = selectors.client_by_key_id(key_id)
    if client is None:
        raise Http404
    services.client_revoke(by=request.user, client=client)
    messages.success(request, _("Klienten %(name)s är återkallad; nyckeln fungerar inte längre.") % {"name": client.name})
    return redirect("api:client", key_id=client.key_id)


_METHODS = ("get", "post", "put", "patch", "delete")


@login_not_required
def api_docs(request):
    """The API's documentation in Swedish, rendered from its own OpenAPI document (public: no data in it)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                operation = item[method]
                operations.append({
                    "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "responses": sorted(operation.get("responses", {}).items()),
                })
    return render(request, "api/docs.html", {"schema": schema, "operations": operations, "scopes": API_SCOPES})
