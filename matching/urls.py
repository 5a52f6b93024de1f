from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.board, name="board"),
    path("demandes/<int:pk>/", views.request_candidates, name="request_candidates"),
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/<int:pk>/reponse/", views.proposal_answer, name="proposal_answer"),
]
