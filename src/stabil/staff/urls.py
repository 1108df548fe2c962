from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.register, name="register"),
    path("ny/", views.create, name="create"),
    path("omsattning/", views.turnover, name="turnover"),
    path("sjukfranvaro/", views.sick_leave, name="sick_leave"),
    path("konsulter/", views.consultants, name="consultants"),
    path("behorighet/", views.eligibility, name="eligibility"),
    path("kompetens/", views.competence, name="competence"),
    path("medarbetare/<str:staff_id>/", views.detail, name="detail"),
]
