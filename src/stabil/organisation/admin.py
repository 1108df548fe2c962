from django.contrib import admin

from .models import Administration, Department, Municipality, Team, Unit

admin.site.register(Municipality)
admin.site.register(Administration)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "administration")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department")
    list_filter = ("department",)
    search_fields = ("code", "name")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit")
    list_filter = ("unit",)
