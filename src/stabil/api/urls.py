"""The sysadmin's pages for integration clients, under ``/integrationer/`` (the API itself is at ``/api/v1/``)."""

from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("", views.client_list, name="clients"),
    path("ny/", views.client_create, name="client_create"),
    path("klient/<str:key_id>/", views.client_detail, name="client"),
    path("klient/<str:key_id>/aterkalla/", views.client_revoke, name="client_revoke"),
    path("klient/<str:key_id>/webhook/", views.webhook_add, name="webhook_add"),
]
