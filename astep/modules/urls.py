from django.urls import path

from astep.modules import views

app_name = "modules"
urlpatterns = [
    path("", views.module_list, name="list"),
    path("<int:pk>/", views.module_detail, name="detail"),
]
