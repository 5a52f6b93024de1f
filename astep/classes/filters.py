"""Filters of the request and module lists (django-filter): status, school year,
circonscription, cycle, éducation prioritaire, and a search on école, commune and people."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.classes.models import CYCLE_OF_LEVEL, AccompanimentRequest, RequestStatus
from astep.modules.models import Module
from astep.territory.models import Circonscription, EducationPrioritaire


class ClassFilter(django_filters.FilterSet):
    """Filters over anything reached through a class; `class_path` is the lookup from the
    filtered model to its SchoolClass ("school_class" for requests)."""

    class_path = "school_class"
    status_path = "status"
    by_year = True  # False: no school year filter (and no query for its choices)

    q = django_filters.CharFilter(label=_("Rechercher"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=RequestStatus.choices, empty_label=_("Tous"), method="by_status"
    )
    school_year = django_filters.ChoiceFilter(
        label=_("Année scolaire"), empty_label=_("Toutes"), method="by_school_year"
    )
    circonscription = django_filters.ModelChoiceFilter(
        label=_("Circonscription"),
        queryset=Circonscription.objects.none(),
        empty_label=_("Toutes"),
        method="by_circonscription",
    )
    cycle = django_filters.ChoiceFilter(
        label=_("Cycle"),
        choices=[(2, _("Cycle 2")), (3, _("Cycle 3"))],
        empty_label=_("Tous"),
        method="by_cycle",
    )
    education_prioritaire = django_filters.ChoiceFilter(
        label=_("Éducation prioritaire"),
        choices=[c for c in EducationPrioritaire.choices if c[0]],
        empty_label=_("Toutes les écoles"),
        method="by_education_prioritaire",
    )

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        circonscriptions = Circonscription.objects.order_by("name")
        if user.role == Role.NATIONAL:
            del self.filters["circonscription"]  # thousands: a list is no help nationally
        elif user.departement_id:
            circonscriptions = circonscriptions.filter(departement_id=user.departement_id)
        elif user.academie_id:
            circonscriptions = circonscriptions.filter(departement__academie_id=user.academie_id)
        else:
            del self.filters["circonscription"]
        if "circonscription" in self.filters:
            self.filters["circonscription"].queryset = circonscriptions
        if not self.by_year:
            del self.filters["school_year"]
            return
        years = self.queryset.order_by().values_list(f"{self._path}school_year", flat=True)
        self.filters["school_year"].extra["choices"] = [
            (year, year) for year in sorted(set(years.distinct()), reverse=True)
        ]

    @property
    def _path(self) -> str:
        return f"{self.class_path}__"

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        p = self._path
        for word in value.split():
            queryset = queryset.filter(
                Q(**{f"{p}ecole__uai__iexact": word})
                | Q(**{f"{p}ecole__name__icontains": word})
                | Q(**{f"{p}ecole__commune_name__icontains": word})
                | Q(**{f"{p}teacher__first_name__icontains": word})
                | Q(**{f"{p}teacher__last_name__icontains": word})
                | Q(**{f"{p}teacher__email__icontains": word})
            )
        return queryset

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.status_path: value})

    def by_school_year(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self._path}school_year": value})

    def by_circonscription(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(**{f"{self._path}ecole__circonscription": value})

    def by_cycle(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        levels = [level for level, cycle in CYCLE_OF_LEVEL.items() if str(cycle) == value]
        # `levels` is a JSON list; matching the quoted level works on PostgreSQL and SQLite.
        return queryset.filter(
            reduce(or_, (Q(**{f"{self._path}levels__icontains": f'"{lv}"'}) for lv in levels))
        )

    def by_education_prioritaire(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self._path}ecole__education_prioritaire": value})


class RequestFilter(ClassFilter):
    class Meta:
        model = AccompanimentRequest
        fields = ["q", "status", "school_year", "circonscription", "cycle", "education_prioritaire"]


MODULE_STATUSES = [
    RequestStatus.MATCHED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.COMPLETED,
    RequestStatus.CANCELLED,
]


class ModuleFilter(ClassFilter):
    """The module list's filters: the same, through the module's request."""

    class_path = "request__school_class"
    status_path = "request__status"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["status"].extra["choices"] = [(s.value, s.label) for s in MODULE_STATUSES]

    class Meta:
        model = Module
        fields = ["q", "status", "school_year", "circonscription", "cycle", "education_prioritaire"]
