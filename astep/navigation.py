"""The main navigation of the header, by role, with the current section marked."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from astep.accounts.models import Role

TEACHER, VOLUNTEER = Role.TEACHER, Role.VOLUNTEER
DEPARTMENTAL, ACADEMIC = Role.DEPARTMENTAL_CORRESPONDENT, Role.ACADEMIC_CORRESPONDENT
INSPECTOR, SCIENTIFIC, NATIONAL = (
    Role.CIRCONSCRIPTION_INSPECTOR,
    Role.SCIENTIFIC_CORRESPONDENT,
    Role.NATIONAL,
)
TERRITORIES = (DEPARTMENTAL, ACADEMIC, INSPECTOR, NATIONAL)

# (label, URL name, roles that see it), in the order of the menu.
ITEMS = [
    (_("Accueil"), "home", tuple(Role)),
    (_("Mes classes et demandes"), "classes:list", (TEACHER,)),
    (_("Mon inscription"), "volunteers:onboarding", (VOLUNTEER,)),
    (_("La charte"), "volunteers:charter", (VOLUNTEER,)),
    (_("Accompagnateurs"), "volunteers:queue", (DEPARTMENTAL,)),
    (_("Appariement"), "matching:board", (DEPARTMENTAL,)),
    (_("Propositions"), "matching:proposals", (TEACHER, VOLUNTEER)),
    (_("Mon agenda"), "modules:agenda", (TEACHER, VOLUNTEER)),
    (_("Enquête annuelle"), "surveys:survey", (DEPARTMENTAL,)),
    (_("Demandes"), "classes:request_list", TERRITORIES),
    (_("Modules"), "modules:list", (TEACHER, VOLUNTEER, *TERRITORIES)),
    (_("Mon organisme"), "volunteers:organisation", (SCIENTIFIC,)),
    (_("Campagnes"), "surveys:campaigns", (NATIONAL,)),
    (_("Charte"), "volunteers:charter_versions", (NATIONAL,)),
    (_("Enquêtes"), "surveys:survey_list", (ACADEMIC, NATIONAL)),
    (_("Bilans"), "surveys:reports", (DEPARTMENTAL, ACADEMIC, NATIONAL)),
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # "page" on the item's own page, "true" inside its section, "" elsewhere (aria-current).
    current: str


def items_for(role: str, path: str) -> list[NavItem]:
    """The menu of `role` for the page at `path`, the deepest matching item marked current.

    An item is the section of every address under its own (/classes/12/ is under
    /classes/); the home page ("/") is current only on itself.
    """
    links = [(label, reverse(name)) for label, name, roles in ITEMS if role in roles]
    under = [url for _label, url in links if url != "/" and path.startswith(url)]
    section = max(under, key=len, default="/" if path == "/" else None)
    return [
        NavItem(label, url, ("page" if url == path else "true") if url == section else "")
        for label, url in links
    ]


def main_navigation(request) -> dict:
    """Context processor: `main_navigation` (list of NavItem) and `current_section`.

    `current_section` is the marked item, for the breadcrumb of inner pages (None on the
    home page, outside the menu, or for anonymous visitors).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.role:
        return {"main_navigation": [], "current_section": None}
    items = items_for(user.role, request.path)
    section = next((item for item in items if item.current and item.url != "/"), None)
    return {"main_navigation": items, "current_section": section}
