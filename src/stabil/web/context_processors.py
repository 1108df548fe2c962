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
                        "active": request.path.startswith(url)})
    return {"nav_entries": entries}
