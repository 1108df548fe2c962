from django.contrib import admin

from stabil.accounts.admin import CapabilityAdmin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(CapabilityAdmin):
    capability = "audit.view"
    """Read-only: nobody adds, changes or deletes access records by hand."""

    list_display = ("at", "username", "role", "action", "what", "object_count")
    list_filter = ("action", "channel", "role")
    search_fields = ("username", "what")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
