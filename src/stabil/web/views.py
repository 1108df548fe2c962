from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from stabil.accounts.selectors import is_caseworker, is_department_head


def start(request):
    """The start page: what this user can reach, by area. A caseworker lands on her own cases, a department
    head on his units side by side."""
    if is_caseworker(request.user):
        return redirect("cases:mine")
    if is_department_head(request.user):
        return redirect("workload:overview")
    return render(request, "web/start.html")


@login_not_required
def healthz(request):
    """Report that the app answers and reaches its database (for operators' monitoring)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
