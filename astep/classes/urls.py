from django.urls import path

from astep.classes import views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("nouvelle/", views.class_create, name="create"),
    path("<int:pk>/demande/", views.request_create, name="request_create"),
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", views.request_edit, name="request_edit"),
    path("demandes/<int:pk>/annuler/", views.request_cancel_view, name="request_cancel"),
    path("demandes/<int:pk>/non-servie/", views.request_not_served_view, name="request_not_served"),
]
