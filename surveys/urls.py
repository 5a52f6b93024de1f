from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey, name="survey"),
    path("departements/", views.survey_list, name="survey_list"),
    path("campagnes/", views.campaigns, name="campaigns"),
    path("bilans/", views.reports, name="reports"),
    path("bilans/nouveau/", views.report_create, name="report_create"),
    path("bilans/<int:pk>/etat/", views.report_status, name="report_status"),
    path("bilans/<int:pk>/telecharger/", views.report_download, name="report_download"),
]
