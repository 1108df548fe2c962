from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("ny/", views.user_create, name="user_create"),
    path("konto/<str:username>/", views.user_edit, name="user_edit"),
    path("konto/<str:username>/losenord/", views.user_password, name="user_password"),
]
