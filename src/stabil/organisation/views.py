"""The system administrator's organisation pages (``/organisation/``): departments, units and teams.

Structure only: no case, child, staff member or figure is shown, and a unit or team that anything refers
to is closed rather than deleted (services.py says so without listing what refers to it).
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stabil.accounts.policy import require_capability

from . import services
from .forms import DepartmentForm, TeamForm, UnitForm
from .models import Department, Team, Unit
from .selectors import organisation_tree


@require_capability("accounts.manage")
def overview(request):
    return render(request, "organisation/overview.html", {"departments": organisation_tree()})


def _save(request, form, write, *, template: str, context: dict, done: str):
    """Run ``write(data)`` for a valid POST; show a service refusal on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = write(form.cleaned_data)
        except services.OrganisationInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done % {"name": str(obj)})
            return redirect("organisation:overview")
    return render(request, template, {"form": form, **context})


@require_capability("accounts.manage")
def department_create(request):
    return _save(request, DepartmentForm(request.POST or None),
                 lambda d: services.department_create(by=request.user, code=d["code"], name=d["name"]),
                 template="organisation/form.html", context={"title": _("Ny avdelning")},
                 done=_("Avdelningen %(name)s är skapad."))


@require_capability("accounts.manage")
def department_edit(request, code: str):
    department = get_object_or_404(Department, code=code)
    form = DepartmentForm(request.POST or None, editing=True, initial={"name": department.name})
    return _save(request, form, lambda d: services.department_update(by=request.user, department=department,
                                                                      name=d["name"]),
                 template="organisation/form.html",
                 context={"title": _("Avdelning %(code)s") % {"code": department.code}},
                 done=_("Avdelningen %(name)s är sparad."))


@require_capability("accounts.manage")
def unit_create(request):
    initial = {"department": request.GET.get("avdelning")} if request.GET.get("avdelning") else None
    return _save(request, UnitForm(request.POST or None, initial=initial),
                 lambda d: services.unit_create(by=request.user, code=d["code"], name=d["name"],
                                                department=d["department"]),
                 template="organisation/form.html", context={"title": _("Ny enhet")},
                 done=_("Enheten %(name)s är skapad."))


@require_capability("accounts.manage")
def unit_edit(request, code: str):
    unit = get_object_or_404(Unit, code=code)
    form = UnitForm(request.POST or None, editing=True,
                    initial={"name": unit.name, "department": unit.department, "active": unit.active})
    return _save(request, form, lambda d: services.unit_update(by=request.user, unit=unit, name=d["name"],
                                                                department=d["department"], active=d["active"]),
                 template="organisation/form.html",
                 context={"title": _("Enhet %(code)s") % {"code": unit.code}, "delete_url": "organisation:unit_delete",
                          "code": unit.code},
                 done=_("Enheten %(name)s är sparad."))


@require_capability("accounts.manage")
def team_create(request):
    initial = {"unit": request.GET.get("enhet")} if request.GET.get("enhet") else None
    return _save(request, TeamForm(request.POST or None, initial=initial),
                 lambda d: services.team_create(by=request.user, code=d["code"], name=d["name"], unit=d["unit"]),
                 template="organisation/form.html", context={"title": _("Nytt team")},
                 done=_("Teamet %(name)s är skapat."))


@require_capability("accounts.manage")
def team_edit(request, code: str):
    team = get_object_or_404(Team.objects.select_related("unit"), code=code)
    form = TeamForm(request.POST or None, editing=True, initial={"name": team.name, "active": team.active})
    return _save(request, form, lambda d: services.team_update(by=request.user, team=team, name=d["name"],
                                                                active=d["active"]),
                 template="organisation/form.html",
                 context={"title": _("Team %(code)s i %(unit)s") % {"code": team.code, "unit": team.unit.code},
                          "delete_url": "organisation:team_delete", "code": team.code},
                 done=_("Teamet %(name)s är sparat."))


def _delete(request, obj, delete, done: str):
    try:
        delete(by=request.user, **{obj._meta.model_name: obj})
    except services.OrganisationInputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done % {"code": obj.code})
    return redirect("organisation:overview")


@require_capability("accounts.manage")
@require_POST
def unit_delete(request, code: str):
    return _delete(request, get_object_or_404(Unit, code=code), services.unit_delete,
                   _("Enheten %(code)s är borttagen."))


@require_capability("accounts.manage")
@require_POST
def team_delete(request, code: str):
    return _delete(request, get_object_or_404(Team, code=code), services.team_delete,
                   _("Teamet %(code)s är borttaget."))
