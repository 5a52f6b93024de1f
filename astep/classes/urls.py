from django.urls import path

from astep.classes import views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("nouvelle/", views.class_create, name="create"),
    path("<int:pk>/demande/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
]
