from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("styrkort/<int:pk>/", views.scorecard_detail, name="scorecard"),
    path("styrkort/<int:pk>/uppdatera/", views.scorecard_refresh, name="scorecard_refresh"),
    path("matetal/<int:pk>/", views.kpi_edit, name="kpi_edit"),
    path("handlingsplaner/<int:pk>/", views.plan_detail, name="plan"),
    path("atgarder/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("atgarder/<int:pk>/uppfoljning/", views.follow_up_add, name="follow_up_add"),
    path("risker/", views.risks, name="risks"),
    path("risker/ny/", views.risk_edit, name="risk_create"),
    path("risker/<int:pk>/", views.risk_edit, name="risk_edit"),
    path("risker/<int:pk>/arkivera/", views.risk_archive, name="risk_archive"),
    path("egenkontroll/", views.self_inspection, name="self_inspection"),
    path("egenkontroll/<int:pk>/resultat/", views.check_result_add, name="check_result_add"),
    path("statistik/", views.statistics, name="statistics"),
    path("matetal/", views.kpi_period, name="kpis"),
    path("styrkort/nytt/", views.scorecard_create, name="scorecard_create"),
    path("styrkort/<int:pk>/nytt-mal/", views.goal_create, name="goal_create"),
    path("styrkort/<int:pk>/nytt-matetal/", views.kpi_create, name="kpi_create"),
    path("handlingsplaner/ny/", views.plan_create, name="plan_create"),
    path("handlingsplaner/<int:pk>/ny-atgard/", views.measure_create, name="measure_create"),
    path("egenkontroll/ny/", views.check_create, name="check_create"),
    path("namndrapport/", views.board_report_page, name="board_report"),
]
