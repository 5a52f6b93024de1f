from django.urls import path

from matching import views

app_name = "matching"
urlpatterns = [
    path("", views.board, name="board"),
    path("plans/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/paires/", views.pair_choice, name="pair_choice"),
    path("plans/<int:pk>/envoi/", views.plan_send_view, name="plan_send"),
    path("demandes/<int:pk>/", views.request_candidates, name="request_candidates"),
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/<int:pk>/reponse/", views.proposal_answer, name="proposal_answer"),
    path("propositions/<int:pk>/decliner/", views.proposal_decline_page, name="proposal_decline"),
]
