from django.urls import NoReverseMatch, reverse

from .nav import items_for


def navigation(request):
    """Give every template the navigation entries the current user may use."""
    entries = []
    for item in items_for(getattr(request, "user", None)):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"key": item.key, "label": item.label, "url": url, "description": item.description,
                        "active": False})
    # The current entry is the one whose address is the longest prefix of this page's (Egenkontroll under
    # /arenden/egenkontroll/ is current, not Frister at /arenden/ as well).
    path = getattr(request, "path", "")
    matching = [e for e in entries if path.startswith(e["url"]) and e["url"] != "/"]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return {"nav_entries": entries}
