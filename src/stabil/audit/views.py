from auditlog.models import LogEntry
from django.core.paginator import Paginator
from django.shortcuts import render

from stabil.accounts.policy import require_capability
from stabil.accounts.selectors import role_label

from .forms import AccessSearchForm
from .selectors import access_records_search, action_label, change_action_label
from .services import record_access


@require_capability("audit.view")
def search(request):
    """The system administrator's search of the access log and the change log."""
    form = AccessSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    records = access_records_search(**{k: v for k, v in filters.items() if v})
    page = Paginator(records, 50).get_page(request.GET.get("sida"))
    for record in page:
        # The words a reader uses, not the stored codes ("unit_manager", "change").
        record.role_label = role_label(record.role)
        record.action_label = action_label(record.action)
    changes = Paginator(LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp"), 50)
    change_page = changes.get_page(request.GET.get("andringar"))
    for entry in change_page:
        # Field names only: the values may themselves be personal data.
        entry.changed_fields = ", ".join(sorted((entry.changes_dict or {}).keys()))
        entry.action_label = change_action_label(entry.action)
    # Reading the log is itself logged: auditors are audited too.
    record_access(by=request.user, action="view", what="Granskningslogg", request=request)
    return render(request, "audit/search.html", {
        "form": form, "page": page, "changes": change_page,
    })
