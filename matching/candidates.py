"""From the database to the matching's facts: the pool of a département, the candidates of a request.

The rules themselves are in `matching.pool`; this module reads requests, volunteers, their
load this school year, and the pairs already declined or excluded.
"""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from math import cos, radians

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from astep.classes.models import AccompanimentRequest, RequestStatus
from astep.half_days import half_days_labels
from astep.lookups import AnyOf
from astep.modules.models import Module
from astep.school_year import school_year_of
from astep.territory.models import Commune
from astep.volunteers.eligibility import adult_born_by
from astep.volunteers.models import VolunteerProfile
from matching.models import PairChoice, PairChoiceKind, Proposal, ProposalStatus
from matching.pool import NEAR_MISS_KM, RequestFacts, VolunteerFacts, build_arcs
from matching.solver import Arc, request_priority

KM_PER_DEGREE = 111.2  # of latitude; a margin, not a measure: the rules use great circles


@dataclass
class Pool:
    """What a plan is computed from: requests waiting in the pool (status "submitted") and the
    volunteers who could reach them, as facts (and the requests as model rows), with the
    allowed `arcs`, the `forbidden` pairs (declined or excluded) and the `locked` ones."""

    requests: dict[int, AccompanimentRequest] = field(default_factory=dict)
    request_facts: dict[int, RequestFacts] = field(default_factory=dict)
    volunteer_facts: dict[int, VolunteerFacts] = field(default_factory=dict)
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    locked: set[tuple[int, int]] = field(default_factory=set)
    arcs: list[Arc] = field(default_factory=list)

    @cached_property
    def candidates(self) -> dict[int, list[int]]:
        """Volunteer ids allowed for each request id."""
        by_request: dict[int, list[int]] = {r: [] for r in self.requests}
        for arc in self.arcs:
            by_request[arc.demand].append(arc.supply)
        return by_request

    @cached_property
    def volunteers(self) -> dict[int, VolunteerProfile]:
        """The profiles of the volunteers with an allowed pair, by user id, with user and
        commune, read on first use (one query): the board needs only the facts; the plan's
        explanations and proposals and the candidates page name candidates, never others."""
        return VolunteerProfile.objects.select_related("user", "commune", "organisation").in_bulk(
            list({arc.supply for arc in self.arcs}), field_name="user_id"
        )


@dataclass(frozen=True)
class Candidate:
    """A volunteer who may serve a request: distance in km, half-days both accept."""

    profile: VolunteerProfile
    distance_km: float
    shared_half_days: tuple[str, ...]

    @property
    def shared_half_days_label(self) -> str:
        return half_days_labels(list(self.shared_half_days))


def pool_for_departement(departement, *, today: date) -> Pool:
    """The pool of `departement` on `today`: its requests waiting for an accompanist, every
    proposable volunteer who might reach one of them, their remaining capacity this school
    year, and the allowed pairs. A fixed number of queries, whatever the sizes."""
    requests = (
        AccompanimentRequest.objects.in_departement(departement)
        .filter(status=RequestStatus.SUBMITTED, school_class__ecole__latitude__isnull=False)
        .select_related("school_class__ecole__departement", "school_class__teacher")
        .order_by("submitted_at", "pk")
    )
    return _pool(list(requests), today=today, margin_km=NEAR_MISS_KM)


def pool_for_requests(requests: list[AccompanimentRequest], *, today: date) -> Pool:
    """The pool of `requests` only (each with its école and département loaded):
    the volunteers who might reach one of them and the allowed pairs. A pair depends on
    its request and volunteer alone, so each request's arcs are those of the whole
    département's pool, for the cost of a few requests (the board's page). The écoles
    without coordinates are left out. A fixed number of queries, whatever the sizes."""
    placed = [r for r in requests if r.school_class.ecole.latitude is not None]
    return _pool(placed, today=today)


def candidates_for(request: AccompanimentRequest, *, today: date) -> list[Candidate]:
    """Volunteers who may be proposed for `request`, nearest first (every rule of
    `matching.pool.pair_problems`, and not already proposed for it). Empty when the école
    has no coordinates."""
    if request.school_class.ecole.latitude is None:
        return []
    pool = _pool([request], today=today)
    live = set(
        request.proposals.filter(
            status__in=[ProposalStatus.PENDING, ProposalStatus.ACCEPTED]
        ).values_list("volunteer_id", flat=True)
    )
    candidates = []
    for arc in pool.arcs:
        if arc.supply in live:
            continue
        facts = pool.volunteer_facts[arc.supply]
        shared = tuple(sorted(pool.request_facts[request.pk].half_days & facts.half_days))
        candidates.append(Candidate(pool.volunteers[arc.supply], arc.decikm / 10, shared))
    return sorted(candidates, key=lambda c: (c.distance_km, c.profile.pk))


def _pool(requests: list[AccompanimentRequest], *, today: date, margin_km: int = 0) -> Pool:
    """The pool of `requests`, with the volunteers within their limit plus `margin_km` (the
    plan's explanations look at near misses; the arcs need none)."""
    pool = Pool(requests={r.pk: r for r in requests})
    if not requests:
        return pool
    for request in requests:
        pool.request_facts[request.pk] = request_facts(request, today=today)
    # Plain rows, not model instances: on national data the board's page reads a few hundred
    # volunteers for its 25 requests, and building profiles, users and communes from them
    # cost more than the query (benchmarks/load/README.md).
    reachable = with_modules_taken(_reachable(requests, margin_km), school_year_of(today))
    for row in reachable.values(*VOLUNTEER_FACT_COLUMNS, "modules_taken"):
        pool.volunteer_facts[row["user_id"]] = volunteer_facts(
            row, capacity=row["max_modules"] - row["modules_taken"]
        )
    pool.forbidden, pool.locked = _choices(requests)
    pool.arcs = build_arcs(
        list(pool.request_facts.values()), list(pool.volunteer_facts.values()), pool.forbidden
    )
    return pool


def request_facts(request: AccompanimentRequest, *, today: date) -> RequestFacts:
    """The facts of `request` for the rules (its école, period, half-days, priority)."""
    ecole = request.school_class.ecole
    submitted = (request.submitted_at or request.created_at).date()
    return RequestFacts(
        id=request.pk,
        latitude=ecole.latitude,
        longitude=ecole.longitude,
        departement=ecole.departement.code,
        remote=request.form == "remote",
        half_days=frozenset(request.half_days),
        months=frozenset(_months(request.period_start, request.period_end)),
        adult_born_by=adult_born_by(request.period_start),
        need=request.accompanists,
        priority=request_priority(
            education_prioritaire=ecole.education_prioritaire,
            waiting_days=(today - submitted).days,
        ),
        levels=frozenset(request.school_class.levels),
        theme=request.theme,
    )


# The columns `volunteer_facts` reads, from a VolunteerProfile queryset.
VOLUNTEER_FACT_COLUMNS = (
    "user_id",
    "commune__latitude",
    "commune__longitude",
    "commune__departement__code",
    "max_distance_km",
    "half_days",
    "free_months",
    "birth_date",
    "max_modules",
    "preferred_levels",
    "preferred_themes",
)


def volunteer_facts(row: dict, *, capacity: int) -> VolunteerFacts:
    """The facts of a proposable volunteer for the rules, from a row of
    VOLUNTEER_FACT_COLUMNS (`.values()`); `capacity` = modules left."""
    return VolunteerFacts(
        id=row["user_id"],
        latitude=row["commune__latitude"],
        longitude=row["commune__longitude"],
        departement=row["commune__departement__code"],
        max_distance_km=row["max_distance_km"],
        half_days=frozenset(row["half_days"]),
        months=frozenset(row["free_months"]),
        birth_date=row["birth_date"],
        capacity=max(capacity, 0),
        levels=frozenset(row["preferred_levels"]),
        themes=frozenset(row["preferred_themes"]),
    )


def _reachable(requests, margin_km: int):
    """Proposable volunteers whose own limit plus `margin_km` might reach one of the écoles:
    a box around the écoles widened by each volunteer's km (cheap in SQL; the great circle
    decides later), and, for remote requests, the volunteers of the département."""
    ecoles = [r.school_class.ecole for r in requests]
    lats = [e.latitude for e in ecoles]
    lons = [e.longitude for e in ecoles]
    widest = min(cos(radians(max(abs(min(lats)), abs(max(lats))) + 2)), 1.0)

    def box(reach, commune: str = "commune__") -> Q:
        """The communes (reached through `commune`) within `reach` degrees of latitude."""
        return Q(
            **{
                f"{commune}latitude__gte": min(lats) - reach,
                f"{commune}latitude__lte": max(lats) + reach,
                f"{commune}longitude__gte": min(lons) - reach / widest,
                f"{commune}longitude__lte": max(lons) + reach / widest,
            }
        )

    # The communes in the box of the longest limit first, as a list: PostgreSQL then reads the
    # profiles of those communes by index, instead of every validated profile of the country,
    # whose number it underestimates (the null and empty-list filters are not independent).
    longest = VolunteerProfile.objects.aggregate(km=Max("max_distance_km"))["km"] or 0
    reach = (longest + margin_km) / KM_PER_DEGREE
    near = list(Commune.objects.filter(box(reach, commune="")).values_list("pk", flat=True))
    in_box = Q(AnyOf(F("commune_id"), near)) & box(
        (F("max_distance_km") + margin_km) / KM_PER_DEGREE
    )
    remote = {e.departement_id for e, r in zip(ecoles, requests, strict=True) if r.form == "remote"}
    if remote:
        in_box |= Q(commune__departement_id__in=remote)
    return (
        VolunteerProfile.objects.proposable()
        .filter(commune__latitude__isnull=False, birth_date__isnull=False)
        .filter(in_box)
    )


def with_modules_taken(profiles: QuerySet, school_year: str) -> QuerySet:
    """`profiles` (VolunteerProfile) annotated with `modules_taken`: the modules each volunteer
    holds in `school_year` ("2026-2027"; first or second accompanist, request not
    cancelled), plus the live proposals whose request is not matched yet. Subqueries by
    row, so only the rows read are counted (a page of the board, the volunteers near the
    écoles), with no list of ids sent."""
    modules = Module.objects.filter(school_year=school_year).exclude(
        request__status=RequestStatus.CANCELLED
    )
    proposals = Proposal.objects.filter(
        status__in=[ProposalStatus.PENDING, ProposalStatus.ACCEPTED],
        request__status=RequestStatus.PROPOSED,
    )

    def count(rows: QuerySet, column: str) -> Coalesce:
        per_volunteer = rows.filter(**{column: OuterRef("user_id")}).values(column)
        return Coalesce(Subquery(per_volunteer.annotate(n=Count("pk")).values("n")), 0)

    return profiles.annotate(
        modules_taken=count(modules, "volunteer_id")
        + count(modules, "co_volunteer_id")
        + count(proposals, "volunteer_id")
    )


def _choices(requests) -> tuple[set, set]:
    """(forbidden, locked) pairs of these requests: declined proposals and excluded pairs are
    forbidden for ever (issue 5); locked pairs stay in every plan."""
    ids = [r.pk for r in requests]
    forbidden = set(
        Proposal.objects.filter(request_id__in=ids, status=ProposalStatus.DECLINED).values_list(
            "request_id", "volunteer_id"
        )
    )
    locked = set()
    for request_id, volunteer_id, kind in PairChoice.objects.filter(request_id__in=ids).values_list(
        "request_id", "volunteer_id", "kind"
    ):
        (forbidden if kind == PairChoiceKind.EXCLUDED else locked).add((request_id, volunteer_id))
    return forbidden, locked


def _months(start: date, end: date) -> list[int]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < 12:
        months.append(month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
