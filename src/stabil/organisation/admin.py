from django.contrib import admin

from stabil.accounts.admin import CapabilityAdmin

from .models import Administration, Department, Municipality, Team, Unit

admin.site.register(Municipality, CapabilityAdmin)
admin.site.register(Administration, CapabilityAdmin)


@admin.register(Department)
class DepartmentAdmin(CapabilityAdmin):
    list_display = ("code", "name", "administration")


@admin.register(Unit)
class UnitAdmin(CapabilityAdmin):
    list_display = ("code", "name", "department")
    list_filter = ("department",)
    search_fields = ("code", "name")


@admin.register(Team)
class TeamAdmin(CapabilityAdmin):
    list_display = ("code", "name", "unit")
    list_filter = ("unit",)
