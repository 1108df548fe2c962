"""The system administrator's user pages (``/anvandare/``): list, create, edit, set a password.

No case, child or staff member is shown here. Users' names are personal data: showing them is access-logged.
"""

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from stabil.audit.services import record_access

from . import services
from .forms import UserCreateForm, UserEditForm
from .models import User
from .policy import require_capability
from .selectors import user_history, users_list


@require_capability("accounts.manage")
def user_list(request):
    page = Paginator(users_list(), 50).get_page(request.GET.get("sida"))
    record_access(by=request.user, action="view", what="Användarlista", objects=[u.username for u in page],
                  object_type="accounts.user", request=request)
    return render(request, "accounts/user_list.html", {"page": page})


@require_capability("accounts.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                by=request.user, username=data["username"], password=data["password1"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"], sso_subject=data["sso_subject"], **form.rights())
        except services.UserInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Användaren %(name)s är skapad.") % {"name": user.username})
            return redirect("accounts:user_edit", username=user.username)
    return render(request, "accounts/user_create.html", {"form": form})


@require_capability("accounts.manage")
def user_edit(request, username: str):
    user = get_object_or_404(User, username=username)
    own = user.pk == request.user.pk
    form = UserEditForm(request.POST or None, user=user, own=own)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(by=request.user, user=user, first_name=data["first_name"],
                                 last_name=data["last_name"], email=data["email"], sso_subject=data["sso_subject"],
                                 **form.rights())
        except services.UserInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Ändringarna för %(name)s är sparade.") % {"name": user.username})
            return redirect("accounts:user_edit", username=user.username)
    record_access(by=request.user, action="view", what="Användare", objects=[user.username],
                  object_type="accounts.user", request=request)
    return render(request, "accounts/user_edit.html", {
        "account": user, "form": form, "own": own, "history": user_history(user),
    })


@require_capability("accounts.manage")
def user_password(request, username: str):
    user = get_object_or_404(User, username=username)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(by=request.user, user=user, password=form.cleaned_data["new_password1"])
        except services.UserInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Lösenordet för %(name)s är bytt. Ge det till användaren på ett säkert sätt.")
                             % {"name": user.username})
            return redirect("accounts:user_edit", username=user.username)
    return render(request, "accounts/user_password.html", {"account": user, "form": form})

