"""Filters of the matching board (django-filter): the requests reuse the request list's filters;
the volunteers are searched by name or commune, half-day and preferred level."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from astep.classes.filters import RequestFilter
from astep.classes.models import OPEN_STATUSES, Level, RequestStatus
from astep.half_days import HalfDay
from astep.volunteers.models import VolunteerProfile


class BoardRequestFilter(RequestFilter):
    """The request list's filters, the states limited to those still waiting, without the
    school year (a request waits in the current one)."""

    by_year = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = [
            (s, RequestStatus(s).label) for s in OPEN_STATUSES
        ]


class BoardVolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Rechercher un accompagnateur"), method="search")
    half_day = django_filters.ChoiceFilter(
        label=_("Libre le"), choices=HalfDay.choices, empty_label=_("Tous"), method="by_half_day"
    )
    level = django_filters.ChoiceFilter(
        label=_("Niveau préféré"), choices=Level.choices, empty_label=_("Tous"), method="by_level"
    )

    class Meta:
        model = VolunteerProfile
        fields = ["q", "half_day", "level"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split():
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(commune__name__icontains=word)
            )
        return queryset

    def by_half_day(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(half_days__icontains=f'"{value}"')  # a JSON list of values

    def by_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(preferred_levels__icontains=f'"{value}"')
