"""Log-in and log-out pages: the password step, the second step (a code), enrolment, and log-out.

The rules are in ``mfa.py`` (second factor) and ``sso.py`` (the municipality's IdP); these views only walk a
person through them. The log-in page stays Django's ``LoginView`` with Stabil's form, so django-axes throttles
it exactly as before.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import mfa, sso


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Kod"), max_length=32, strip=True,
        help_text=gettext_lazy("Den sexsiffriga koden i din app, eller en av dina återställningskoder."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}),
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("Den sexsiffriga koden som appen visar nu.")
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class StabilLoginView(LoginView):
    """Django's log-in view: a right password either logs in or leads on to the second step."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sso_enabled=settings.STABIL_SSO, local_login=settings.STABIL_LOCAL_LOGIN)
        return context

    def post(self, request, *args, **kwargs):
        if not settings.STABIL_LOCAL_LOGIN:
            # No password is checked at all (the password backend is not even configured then).
            messages.error(request, _("Inloggning med lösenord är avstängd. Logga in med kommunens konto."))
            return redirect("login")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if mfa.has_second_factor(user):
            mfa.begin_pending(self.request, user, next_url=self.get_redirect_url())
            return redirect("login_code")
        if mfa.needs_second_factor(user):
            mfa.begin_pending(self.request, user, next_url=self.get_redirect_url())
            return redirect("login_enrol")
        return super().form_valid(form)


def _complete(request, user, device, *, method: str) -> HttpResponseRedirect:
    """Both factors are right: log ``user`` in (a new session key), mark the session verified, log it."""
    next_url = mfa.pending_next(request)
    mfa.end_pending(request)
    auth_login(request, user, backend=user.backend)
    otp_login(request, device)
    mfa.log_sign_in(request, user, method=method)
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _codes_page(request, codes: list[str], *, next_url: str = ""):
    return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": next_url or resolve_url("mfa_manage")})


@login_not_required
@sensitive_post_parameters("code")
def login_code(request):
    """The second step of a local log-in: a code from the app, or a recovery code."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("login")
    if not mfa.has_second_factor(user):
        return redirect("login_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            # Locked by django-axes after repeated failures (wrong codes count like wrong passwords).
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        try:
            device = mfa.verify(user, form.cleaned_data["code"])
        except mfa.Throttled:
            form.add_error("code", _("För många felaktiga koder i rad. Vänta en stund och försök igen."))
        else:
            if device is not None:
                method = "password+recovery_code" if isinstance(device, StaticDevice) else "password+totp"
                return _complete(request, user, device, method=method)
            form.add_error("code", _("Koden stämmer inte. Försök igen."))
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return render(request, "accounts/login_code.html", {"form": form})


def _enrolment(request, user, *, pending: bool):
    device = mfa.enrolment_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.enrol_confirm(by=user, device=device, code=form.cleaned_data["code"], request=request)
        if codes is not None:
            device.refresh_from_db()
            if pending:
                response = _complete(request, user, device, method="password+totp_enrolment")
                return _codes_page(request, codes, next_url=response["Location"])
            otp_login(request, device)
            return _codes_page(request, codes)
        form.add_error("code", _("Koden stämmer inte. Kontrollera att appen visar tiden rätt och försök igen."))
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr": mfa.qr_svg(device), "key": mfa.manual_key(device), "pending": pending,
        "required": mfa.needs_second_factor(user),
    })


@login_not_required
@sensitive_post_parameters("code")
def login_enrol(request):
    """A role that must use a second factor and has none yet enrols before the log-in completes."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("login")
    if mfa.has_second_factor(user):
        return redirect("login_code")
    return _enrolment(request, user, pending=True)


@sensitive_post_parameters("code")
def mfa_manage(request):
    """The user's own page for the second factor: enrol, or see the state and renew recovery codes."""
    if not settings.STABIL_LOCAL_LOGIN:
        # Nobody logs in with a password: the municipality's IdP and its own second factor apply.
        return render(request, "accounts/mfa_manage.html", {"local_off": True})
    if not mfa.has_second_factor(request.user):
        return _enrolment(request, request.user, pending=False)
    return render(request, "accounts/mfa_manage.html", {
        "codes_left": mfa.recovery_codes_left(request.user),
        "sso_session": bool(request.session.get(sso.SSO_SESSION_KEY)),
    })


@require_POST
def mfa_recovery_codes(request):
    """New recovery codes for the user (the old ones stop working), shown once."""
    if not mfa.has_second_factor(request.user):
        return redirect("mfa_manage")
    return _codes_page(request, mfa.recovery_codes_renew(by=request.user, request=request))


class StabilLogoutView(LogoutView):
    """Django's log-out; after a log-in through the IdP it goes on to the IdP's end-session endpoint."""

    def post(self, request, *args, **kwargs):
        end_session = sso.end_session_url(request)  # read before the session is emptied
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response
