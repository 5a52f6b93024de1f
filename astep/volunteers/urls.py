from django.urls import path

from astep.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("charte/", views.charter, name="charter"),
]
