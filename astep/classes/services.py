"""Requests for an accompanist: submission and its notifications."""

from astep.accounts.services import departmental_correspondents, user_notify
from astep.classes.models import AccompanimentRequest


def request_submit(*, request: AccompanimentRequest) -> AccompanimentRequest:
    """Save a new request and e-mail the teacher a confirmation and the correspondents a notice.

    Takes an unsaved request whose class is set. Returns it saved, status "submitted".
    """
    request.save()
    school_class = request.school_class
    context = {"request": request, "school_class": school_class}
    user_notify(
        recipients=[school_class.teacher],
        subject="Votre demande d'accompagnement est enregistrée",
        template="request_submitted",
        context=context,
    )
    user_notify(
        recipients=departmental_correspondents(school_class.ecole.departement_id),
        subject=f"Nouvelle demande d'accompagnement — {school_class.ecole.name}",
        template="request_submitted_correspondent",
        context=context,
    )
    return request
