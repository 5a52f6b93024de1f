from django.urls import path

from astep.modules.views import calendars, feedback, modules

app_name = "modules"
urlpatterns = [
    path("", modules.module_list, name="list"),
    path("<int:pk>/", modules.module_detail, name="detail"),
    path("seances/<int:pk>/modifier/", modules.session_edit, name="session_edit"),
    path("seances/<int:pk>/annuler/", modules.session_cancel_view, name="session_cancel"),
    path("seances/<int:pk>/confirmer/", modules.session_confirm_view, name="session_confirm"),
]

# Sessions in calendar apps (the feed needs no login: its token is the secret).
urlpatterns += [
    path("<int:pk>/calendrier.ics", calendars.module_calendar, name="ics"),
    path("agenda/", calendars.agenda, name="agenda"),
    path("agenda/<slug:token>.ics", calendars.feed, name="feed"),
]

# The end of a module: the volunteer's attestation, the parties' questionnaire.
urlpatterns += [
    path("<int:pk>/attestation.pdf", feedback.attestation, name="attestation"),
    path("<int:pk>/questionnaire/", feedback.feedback, name="feedback"),
]
