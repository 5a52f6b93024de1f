from django.urls import path

from astep.accounts import views

app_name = "accounts"
urlpatterns = [
    path("donnees/", views.data, name="data"),
    path("donnees/export.zip", views.data_export, name="data_export"),
    path("supprimer/", views.account_delete, name="account_delete"),
]
