from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.deadline_list, name="deadlines"),
    path("mina/", views.my_cases, name="mine"),
    path("sok/", views.search, name="search"),
    path("ny/", views.new_report, name="new_report"),
    path("egenkontroll/", views.egenkontroll, name="egenkontroll"),
    path("fristregler/", views.deadline_rules, name="rules"),
    path("sammanstallning/", views.digest_settings, name="digest"),
    path("arende/<str:case_id>/", views.case_detail, name="case"),
    path("arende/<str:case_id>/handelse/", views.record_event, name="record_event"),
    path("arende/<str:case_id>/handelse/falt/", views.event_form_fields, name="event_form_fields"),
]
