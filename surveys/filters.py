"""Filters of the survey list (django-filter): year, académie, state, search by département."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role
from astep.territory.models import Academie
from surveys.models import Campaign, DepartementalSurvey, SurveyStatus


class SurveyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Département (nom ou code)"), method="search")
    campaign = django_filters.ModelChoiceFilter(
        label=_("Année scolaire"), queryset=Campaign.objects.all(), empty_label=_("Toutes")
    )
    academie = django_filters.ModelChoiceFilter(
        label=_("Académie"),
        field_name="departement__academie",
        queryset=Academie.objects.order_by("name"),
        empty_label=_("Toutes"),
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=SurveyStatus.choices, empty_label=_("Tous")
    )

    class Meta:
        model = DepartementalSurvey
        fields = ["q", "campaign", "academie", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        if request is not None and request.user.role != Role.NATIONAL:
            del self.filters["academie"]  # an academic correspondent sees one académie

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(
            Q(departement__name__icontains=value) | Q(departement__code=value.zfill(3))
        )
