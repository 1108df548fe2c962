from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("avdelning/ny/", views.department_create, name="department_create"),
    path("avdelning/<str:code>/", views.department_edit, name="department_edit"),
    path("enhet/ny/", views.unit_create, name="unit_create"),
    path("enhet/<str:code>/", views.unit_edit, name="unit_edit"),
    path("enhet/<str:code>/ta-bort/", views.unit_delete, name="unit_delete"),
    path("team/ny/", views.team_create, name="team_create"),
    path("team/<str:code>/", views.team_edit, name="team_edit"),
    path("team/<str:code>/ta-bort/", views.team_delete, name="team_delete"),
]
