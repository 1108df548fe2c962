from django.urls import path

from . import views

app_name = "workload"

urlpatterns = [
    path("", views.board, name="board"),
    path("enheter/", views.overview, name="overview"),
    path("fordela/", views.allocation_list, name="allocation_list"),
    path("fordela/<str:case_id>/", views.allocation, name="allocation"),
    path("risk/<str:unit_code>/", views.risk, name="risk"),
    path("enhet/<str:unit_code>/installningar/", views.unit_settings, name="unit_settings"),
    path("modell/", views.model_settings, name="settings"),
    path("kalibrering/", views.calibration, name="calibration"),
]
