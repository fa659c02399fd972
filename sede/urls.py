from django.urls import path

from sede import views

app_name = "sede"
urlpatterns = [
    path("", views.home, name="home"),
]
