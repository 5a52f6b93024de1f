"""The territory each role sees, as queryset filters: territorial scoping in one place."""

from astep.accounts.models import Role, User


def territory_filter(user: User, ecole: str) -> dict | None:
    """Filter kwargs that keep the rows whose école is in `user`'s territory.

    `ecole` is the lookup path from the queried model to its `Ecole` (e.g.
    "school_class__ecole"). Returns {} for national staff (everything), the département,
    académie or circonscription filter for correspondents and inspectors, and None for
    roles without a territory (teachers, volunteers, scientific correspondents) or a
    correspondent whose territory is not set yet.
    """
    scopes = {
        Role.DEPARTMENTAL_CORRESPONDENT: {f"{ecole}__departement_id": user.departement_id},
        Role.ACADEMIC_CORRESPONDENT: {f"{ecole}__departement__academie_id": user.academie_id},
        Role.CIRCONSCRIPTION_INSPECTOR: {f"{ecole}__circonscription_id": user.circonscription_id},
        Role.NATIONAL: {},
    }
    scope = scopes.get(user.role)
    if scope and None in scope.values():  # a correspondent given no territory sees nothing
        return None
    return scope
