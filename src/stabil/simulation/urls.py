from django.urls import path

from . import views

app_name = "simulation"
urlpatterns = [
    path("", views.index, name="index"),
    path("nytt/", views.scenario_create, name="create"),
    path("prognos/", views.forecast, name="forecast"),
    path("namndunderlag/", views.board_paper, name="board_paper"),
    path("<int:pk>/", views.scenario, name="scenario"),
    path("<int:pk>/atgard/", views.measure_add, name="measure_add"),
    path("<int:pk>/atgard/<int:measure_pk>/ta-bort/", views.measure_remove, name="measure_remove"),
    path("<int:pk>/kopiera/", views.scenario_copy, name="copy"),
    path("<int:pk>/kor/", views.scenario_run, name="run"),
    path("<int:pk>/excel/", views.scenario_export, name="export"),
]
