from django.urls import path

from . import views

app_name = "feeds"
urlpatterns = [
    path("", views.index, name="index"),
    path("kolada/", views.kolada, name="kolada"),
    path("kolada/import/", views.kolada_import, name="kolada_import"),
]
