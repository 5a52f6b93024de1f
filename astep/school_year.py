"""School years, written as on every official document: "2025-2026"."""

from datetime import date

from django.utils import timezone

RENTREE_MONTH = 9  # a school year starts in September


def school_year_of(day: date) -> str:
    """The school year that contains `day`: 2026-11-21 → "2026-2027", 2026-06-30 → "2025-2026"."""
    start = day.year if day.month >= RENTREE_MONTH else day.year - 1
    return f"{start}-{start + 1}"


def school_year_start(school_year: str) -> int:
    """The year of the rentrée that starts `school_year`: "2022-2023" → 2022.

    Raises ValueError when `school_year` is not two consecutive years joined by "-".
    """
    start, _sep, end = school_year.partition("-")
    if not (start.isdigit() and end.isdigit() and len(start) == 4 and int(end) == int(start) + 1):
        raise ValueError(f"année scolaire « {school_year} » invalide (ex. 2022-2023 attendue)")
    return int(start)


def current_school_year() -> str:
    """The school year of today's date (Europe/Paris)."""
    return school_year_of(timezone.localdate())


def school_year_end(day: date) -> date:
    """The last day (31 August) of the school year that contains `day`."""
    return date(int(school_year_of(day)[5:]), RENTREE_MONTH - 1, 31)
