from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey, name="survey"),
    path("departements/", views.survey_list, name="survey_list"),
    path("departements/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("campagnes/", views.campaigns, name="campaigns"),
    path("campagnes/<int:pk>/suivi/", views.campaign_cockpit, name="campaign_cockpit"),
    path("bilans/", views.reports, name="reports"),
    path("bilans/nouveau/", views.report_create, name="report_create"),
    path("bilans/<int:pk>/etat/", views.report_status, name="report_status"),
    path("bilans/<int:pk>/telecharger/", views.report_download, name="report_download"),
]
