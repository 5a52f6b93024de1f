"""The campaign cockpit: where each département's survey stands, by académie."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.territory.models import Academie, Departement
from surveys.models import Campaign, DepartementalSurvey, SurveyStatus

NOT_STARTED = "not_started"
# The states of the cockpit, in the order of the columns: "not started" has no survey row.
STATES = {
    NOT_STARTED: _("Non commencée"),
    **{status.value: status.label for status in SurveyStatus},
}
# States in which the département still owes its survey.
OWED = (NOT_STARTED, SurveyStatus.DRAFT, SurveyStatus.RETURNED)


@dataclass
class DepartementLine:
    """One département in the cockpit: its survey's state and whether it is late."""

    departement: Departement
    state: str
    survey: DepartementalSurvey | None
    late: bool

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def changed_at(self) -> datetime | None:
        return self.survey.updated_at if self.survey else None


@dataclass
class AcademieLine:
    """One académie: how many of its départements are in each state, and its lines."""

    academie: Academie
    lines: list[DepartementLine] = field(default_factory=list)

    @property
    def counts(self) -> list[int]:
        """The number of départements in each state, in the order of STATES."""
        return [sum(line.state == state for line in self.lines) for state in STATES]

    @property
    def late(self) -> int:
        return sum(line.late for line in self.lines)


def departements_in_scope(user):
    """The départements whose surveys `user` follows: all for national staff, the
    académie's for an academic correspondent, none otherwise."""
    departements = Departement.objects.select_related("academie").order_by("academie__name", "code")
    if user.role == Role.NATIONAL:
        return departements
    if user.role == Role.ACADEMIC_CORRESPONDENT:
        return departements.filter(academie_id=user.academie_id)
    return departements.none()


def cockpit(*, campaign: Campaign, user, today: date) -> list[AcademieLine]:
    """Where the surveys of `campaign` stand in `user`'s scope, académie by académie.

    A département is late when the campaign closed before `today` and its survey is not
    submitted nor validated. Two queries, whatever the number of départements.
    """
    surveys = {
        survey.departement_id: survey
        for survey in DepartementalSurvey.objects.filter(campaign=campaign)
    }
    closed = today > campaign.closes_on
    academies: dict[int, AcademieLine] = {}
    for departement in departements_in_scope(user):
        survey = surveys.get(departement.pk)
        state = survey.status if survey else NOT_STARTED
        line = DepartementLine(departement, state, survey, late=closed and state in OWED)
        academie = academies.setdefault(departement.academie_id, AcademieLine(departement.academie))
        academie.lines.append(line)
    return list(academies.values())
