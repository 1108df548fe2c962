from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "team", "is_active")
    list_filter = ("role", "is_active", "units")
    fieldsets = BaseUserAdmin.fieldsets + ((_("Roll i Stabil"), {"fields": ("role", "units", "team", "digest_enabled")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Roll i Stabil"), {"fields": ("role", "units", "team")}),)
    filter_horizontal = ("units", "groups", "user_permissions")
