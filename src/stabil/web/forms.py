from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The log-in form, with Swedish labels and browser hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Användarnamn")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].label = _("Lösenord")
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # Refused without a password check because too many log-ins were being checked at once
            # (stabil.accounts.throttle.BoundedModelBackend): say so, rather than "wrong password".
            if getattr(self.request, "stabil_login_busy", False):
                raise forms.ValidationError(
                    _("Många inloggningar pågår just nu. Försök igen om en liten stund."), code="busy",
                ) from None
            raise
