"""Filters of the validation queue (django-filter): status, verdict, organisation, search."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from astep.partners.models import Organisation
from astep.volunteers.eligibility import Verdict
from astep.volunteers.models import ReviewStatus, VolunteerProfile


class VolunteerFilter(django_filters.FilterSet):
    """Filter volunteers by review status (pending by default), verdict, organisation, or
    a text found in their name, e-mail or diploma."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="search")
    review_status = django_filters.ChoiceFilter(
        label=_("Validation"), choices=ReviewStatus.choices, empty_label=_("Toutes")
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Règles"), choices=Verdict.choices, empty_label=_("Tous")
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisme"), queryset=Organisation.objects.all(), empty_label=_("Tous")
    )

    class Meta:
        model = VolunteerProfile
        fields = ["q", "review_status", "verdict", "organisation"]

    def __init__(self, data=None, *args, **kwargs):
        if data is None or "review_status" not in data:
            data = {
                **(data.dict() if data is not None else {}),
                "review_status": ReviewStatus.PENDING,
            }
        super().__init__(data, *args, **kwargs)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = value.split()
        for word in words:
            queryset = queryset.filter(
                Q(user__first_name__icontains=word)
                | Q(user__last_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(diploma__icontains=word)
            )
        return queryset
