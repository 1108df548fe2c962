from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .policy import has_capability


class CapabilityAdmin(admin.ModelAdmin):
    """A model admin open to the users with ``capability`` (default: the system administrator's)."""

    capability = "accounts.manage"

    def _allowed(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and has_capability(request.user, self.capability)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


@admin.register(User)
class UserAdmin(CapabilityAdmin, BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "team", "is_active")
    list_filter = ("role", "is_active", "units")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roll i Stabil"), {"fields": ("role", "units", "team", "digest_enabled")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Roll i Stabil"), {"fields": ("role", "units", "team")}),)
    filter_horizontal = ("units",)
    readonly_fields = ("last_login", "date_joined")
