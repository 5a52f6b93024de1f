from django.urls import path

from astep.volunteers.views import charter, onboarding, organisation, proofs, review

app_name = "volunteers"
urlpatterns = [
    path("inscription/", onboarding.resume, name="onboarding"),
    path("inscription/<slug:step>/", onboarding.step, name="step"),
    path("charte/", charter.sign, name="charter"),
    path("charte/signature-<int:pk>.pdf", charter.signature_pdf, name="charter_pdf"),
    path("charte/versions/", charter.versions, name="charter_versions"),
    path("validation/", review.queue, name="queue"),
    path("validation/<int:pk>/", review.detail, name="review"),
    path("justificatif/<int:pk>/", proofs.proof_download, name="proof"),
    path("organisme/", organisation.volunteers, name="organisation"),
    path("organisme/<int:pk>/attester/", organisation.attest, name="attest"),
]
