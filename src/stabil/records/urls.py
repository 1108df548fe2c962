from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("loggutdrag/", views.extract_start, name="extract"),
    path("loggutdrag/barn/<str:child_id>/", views.child_extract, name="child_extract"),
    path("loggutdrag/personal/<str:staff_id>/", views.staff_extract, name="staff_extract"),
    path("logguppfoljning/", views.review_index, name="reviews"),
    path("logguppfoljning/<int:pk>/", views.review_detail, name="review"),
    path("logguppfoljning/<int:pk>/post/<int:entry_pk>/", views.review_mark, name="review_mark"),
    path("logguppfoljning/<int:pk>/signera/", views.review_sign, name="review_sign"),
    path("logguppfoljning/skyddade/", views.protected, name="protected"),
    path("logguppfoljning/skyddade/<str:child_id>/ta-bort/", views.protected_remove, name="protected_remove"),
    path("gallring/", views.retention_index, name="retention"),
    path("gallring/foresla/", views.retention_propose, name="retention_propose"),
    path("gallring/<int:pk>/", views.retention_list, name="retention_list"),
    path("gallring/<int:pk>/godkann/", views.retention_approve, name="retention_approve"),
    path("gallring/<int:pk>/genomfor/", views.retention_run, name="retention_run"),
]
