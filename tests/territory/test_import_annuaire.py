import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from astep.territory import imports
from astep.territory.models import (
    Circonscription,
    Ecole,
)

# The columns the import reads, as the 2023 export names them.
COLUMNS_2023 = [
    "Identifiant_de_l_etablissement",
    "Nom_etablissement",
    "Type_etablissement",
    "Statut_public_prive",
    "Adresse_1",
    "Code postal",
    "Code_commune",
    "Nom_commune",
    "Code_departement",
    "Appartenance_Education_Prioritaire",
    "nom_circonscription",
    "latitude",
    "longitude",
    "etat",
    "libelle_nature",
]
# 2023 name -> current name, as data.education.gouv.fr renamed them.
RENAMED = {
    "Code postal": "Code_postal",
    "coordonnee_X": "coordX_origine",
    "coordonnee_Y": "coordY_origine",
    "epsg": "epsg_origine",
    "etablissement_multi_lignes": "multi_uai",
}
ADDED = [
    "code_circonscription",
    "code_zone_animation_pedagogique",
    "libelle_zone_animation_pedagogique",
]


def uai(number: int) -> str:
    """A well-formed UAI: 7 digits and their check letter."""
    return f"{number:07d}" + "ABCDEFGHJKLMNPRSTUVWXYZ"[number % 23]


def ecole_row(number: int, **overrides: str) -> dict[str, str]:
    row = {
        "Identifiant_de_l_etablissement": uai(number),
        "Nom_etablissement": f"Ecole élémentaire publique n° {number}",
        "Type_etablissement": "Ecole",
        "Statut_public_prive": "Public",
        "Adresse_1": "1 rue de l'Ecole",
        "Code postal": "35000",
        "Code_commune": "35238",
        "Nom_commune": "Rennes",
        "Code_departement": "035",
        "Appartenance_Education_Prioritaire": "",
        "nom_circonscription": "Circonscription d'inspection du 1er degré de Rennes Sud",
        "latitude": "48.1",
        "longitude": "-1.68",
        "etat": "OUVERT",
        "libelle_nature": "ECOLE DE NIVEAU ELEMENTAIRE",
    }
    return row | overrides


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS_2023) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.DictWriter(file, columns, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file, delimiter=";")
        return list(reader.fieldnames), list(reader)


def to_current_format(source: Path, target: Path) -> Path:
    """Rewrite a 2023 export with the current column names, giving each circonscription a code."""
    columns, rows = read_csv(source)
    names = sorted({row["nom_circonscription"] for row in rows} - {""})
    codes = {name: f"C035{index:03d}" for index, name in enumerate(names, start=1)}
    for row in rows:
        for old, new in RENAMED.items():
            row[new] = row.pop(old)
        row["code_circonscription"] = codes.get(row["nom_circonscription"], "")
        row["code_zone_animation_pedagogique"] = row["libelle_zone_animation_pedagogique"] = ""
    return write_csv(target, rows, [RENAMED.get(c, c) for c in columns] + ADDED)


def import_annuaire(path: Path) -> tuple[int, list[str]]:
    """Run the command: its exit code and what it printed (or its error message)."""
    stdout = io.StringIO()
    try:
        call_command("import_annuaire", str(path), stdout=stdout)
    except SystemExit as exit:
        return exit.code, stdout.getvalue().splitlines()
    except CommandError as error:
        return error.returncode, [str(error)]
    return 0, stdout.getvalue().splitlines()


def ecoles_of(path: Path) -> list[dict[str, str]]:
    return [row for row in read_csv(path)[1] if row["Type_etablissement"] == "Ecole"]


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_the_685_ecoles_of_ille_et_vilaine(annuaire_35):
    code, lines = import_annuaire(annuaire_35)

    assert code == 0
    assert lines == ["created=685 updated=0 unchanged=0 skipped=311 rejected=0"]
    assert Ecole.objects.count() == 685
    file_rep = Counter(row["Appartenance_Education_Prioritaire"] for row in ecoles_of(annuaire_35))
    assert file_rep == {"": 636, "REP": 44, "REP+": 5}
    assert Ecole.objects.filter(education_prioritaire="REP").count() == 44
    assert Ecole.objects.filter(education_prioritaire="REP+").count() == 5
    assert not Ecole.objects.filter(circonscription=None).exists()
    assert Circonscription.objects.count() == 19
    assert not Circonscription.objects.exclude(code="").exists()
    ecole = Ecole.objects.select_related("departement", "circonscription").get(uai="0350122T")
    assert ecole.name == "Ecole primaire publique les Lucioles"
    assert ecole.departement.code == "035"
    assert ecole.circonscription.name == "Circonscription d'inspection du 1er degré de Bruz"
    assert (ecole.postcode, ecole.commune_code, ecole.commune_name) == ("35580", "35016", "Baulon")
    assert (ecole.latitude, ecole.longitude) == (47.98614492070133, -1.9294895003671315)
    assert ecole.is_public and ecole.etat == "OUVERT"


@pytest.mark.shared_data
@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(annuaire_35):
    import_annuaire(annuaire_35)

    code, lines = import_annuaire(annuaire_35)

    skipped = len(read_csv(annuaire_35)[1]) - len(ecoles_of(annuaire_35))
    assert skipped == 311
    assert code == 0
    assert lines == ["created=0 updated=0 unchanged=685 skipped=311 rejected=0"]


@pytest.mark.shared_data
@pytest.mark.django_db
def test_it_imports_the_current_export_keying_circonscriptions_by_code(annuaire_35, tmp_path):
    current = to_current_format(annuaire_35, tmp_path / "annuaire-current.csv")

    code, lines = import_annuaire(current)

    assert code == 0
    assert lines == ["created=685 updated=0 unchanged=0 skipped=311 rejected=0"]
    assert not Ecole.objects.filter(circonscription=None).exists()
    codes = {row["code_circonscription"] for row in ecoles_of(current)}
    assert len(codes) == 19
    assert set(Circonscription.objects.values_list("code", flat=True)) == codes
    bruz = Ecole.objects.get(uai="0350122T").circonscription
    assert bruz.name == "Circonscription d'inspection du 1er degré de Bruz"


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_2023_export_after_the_current_one_finds_the_coded_circonscriptions_by_name(
    annuaire_35, tmp_path
):
    import_annuaire(to_current_format(annuaire_35, tmp_path / "annuaire-current.csv"))

    code, lines = import_annuaire(annuaire_35)

    # Without codes the 2023 rows find each circonscription by its name within the
    # département: the codes stay, and no école changes.
    assert (code, lines) == (0, ["created=0 updated=0 unchanged=685 skipped=311 rejected=0"])
    assert Circonscription.objects.count() == 19
    assert not Circonscription.objects.filter(code="").exists()


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_current_export_after_the_2023_one_gives_circonscriptions_their_codes(
    annuaire_35, tmp_path
):
    import_annuaire(annuaire_35)
    ids = set(Circonscription.objects.values_list("pk", flat=True))

    code, lines = import_annuaire(to_current_format(annuaire_35, tmp_path / "current.csv"))

    assert (code, lines) == (0, ["created=0 updated=0 unchanged=685 skipped=311 rejected=0"])
    assert set(Circonscription.objects.values_list("pk", flat=True)) == ids
    assert not Circonscription.objects.filter(code="").exists()


@pytest.mark.django_db
def test_it_rejects_bad_rows_with_their_line_and_imports_the_good_ones(tmp_path):
    rows = [
        ecole_row(350001),  # line 2
        ecole_row(350002, Identifiant_de_l_etablissement="035010X"),
        ecole_row(350003, Identifiant_de_l_etablissement="0350003A"),
        ecole_row(350004, Code_departement="099"),
        ecole_row(350005, Appartenance_Education_Prioritaire="REP++"),
        ecole_row(350001, Nom_etablissement="Doublon"),
        ecole_row(350007, Type_etablissement="Collège"),
        ecole_row(350008, latitude="48,1"),
        ecole_row(350009, Statut_public_prive="Sous contrat"),
        ecole_row(350010, Appartenance_Education_Prioritaire="REP+", latitude="", longitude=""),
    ]
    path = write_csv(tmp_path / "annuaire.csv", rows)

    code, lines = import_annuaire(path)

    assert code == 1
    assert lines == [
        "ligne 3 : UAI « 035010X » mal formée (7 chiffres et une lettre de contrôle attendus)",
        "ligne 4 : UAI « 0350003A » : lettre de contrôle erronée (N attendue)",
        "ligne 5 : département « 099 » absent du référentiel",
        "ligne 6 : éducation prioritaire « REP++ » inconnue (vide, REP ou REP+ attendu)",
        "ligne 7 : UAI « 0350001L » en double (déjà ligne 2)",
        "ligne 9 : latitude « 48,1 » n'est pas un nombre",
        "ligne 10 : statut « Sous contrat » inconnu (Public ou Privé attendu)",
        "created=2 updated=0 unchanged=0 skipped=1 rejected=7",
    ]
    assert set(Ecole.objects.values_list("uai", flat=True)) == {uai(350001), uai(350010)}
    assert Ecole.objects.get(uai=uai(350001)).name == "Ecole élémentaire publique n° 350001"
    assert Ecole.objects.get(uai=uai(350010)).latitude is None


def test_the_check_letter_of_the_test_uais_is_the_one_of_real_uais():
    assert [uai(350103), uai(350122), uai(350165)] == ["0350103X", "0350122T", "0350165P"]


@pytest.mark.django_db
def test_a_file_missing_columns_is_refused_and_nothing_is_written(tmp_path):
    columns = [c for c in COLUMNS_2023 if c not in ("Code postal", "etat")]
    rows = [{c: v for c, v in ecole_row(350001).items() if c in columns}]
    path = write_csv(tmp_path / "annuaire.csv", rows, columns)

    code, lines = import_annuaire(path)

    assert code == 2
    assert lines == [
        f"{path} n'a pas les colonnes attendues ; "
        "il manque : Code_postal (ou « Code postal »), etat."
    ]
    assert not Ecole.objects.exists()
    assert not Circonscription.objects.exists()


@pytest.mark.django_db
def test_a_missing_or_undecodable_file_is_refused(tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(";".join(COLUMNS_2023).encode() + b"\r\n0350001R;\xe9cole\r\n")

    assert import_annuaire(tmp_path / "absent.csv") == (
        2,
        [f"Fichier introuvable : {tmp_path / 'absent.csv'}."],
    )
    code, lines = import_annuaire(latin1)
    assert code == 2
    assert "n'est pas un fichier texte UTF-8" in lines[0]


@pytest.mark.django_db
def test_an_unexpected_error_writes_nothing(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(imports, "_rows_upsert", fail)
    path = write_csv(tmp_path / "annuaire.csv", [ecole_row(350001)])

    with pytest.raises(RuntimeError):
        imports.annuaire_import(path=path)

    assert not Circonscription.objects.exists()


@pytest.mark.django_db
def test_a_changed_name_or_education_prioritaire_updates_the_ecole(tmp_path):
    rows = [ecole_row(number) for number in range(350001, 350006)]
    import_annuaire(write_csv(tmp_path / "before.csv", rows))
    rows[1]["Nom_etablissement"] = "Ecole Marie Curie"
    rows[3]["Appartenance_Education_Prioritaire"] = "REP+"

    code, lines = import_annuaire(write_csv(tmp_path / "after.csv", rows))

    assert (code, lines) == (0, ["created=0 updated=2 unchanged=3 skipped=0 rejected=0"])
    assert Ecole.objects.get(uai=uai(350002)).name == "Ecole Marie Curie"
    assert Ecole.objects.get(uai=uai(350004)).education_prioritaire == "REP+"


@pytest.mark.django_db
def test_a_renamed_circonscription_keeps_its_code_and_ecoles(tmp_path):
    columns = COLUMNS_2023 + ["code_circonscription"]
    rows = [
        ecole_row(350001, code_circonscription="C1"),
        ecole_row(350002, code_circonscription="", nom_circonscription="Circonscription de Bruz"),
    ]
    import_annuaire(write_csv(tmp_path / "before.csv", rows, columns))
    rows[0]["nom_circonscription"] = "Rennes Sud et Saint-Jacques"

    code, lines = import_annuaire(write_csv(tmp_path / "after.csv", rows, columns))

    assert (code, lines) == (0, ["created=0 updated=0 unchanged=2 skipped=0 rejected=0"])
    assert Ecole.objects.get(uai=uai(350001)).circonscription.name == rows[0]["nom_circonscription"]
    assert Ecole.objects.get(uai=uai(350002)).circonscription.code == ""
    assert Circonscription.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_importing_does_not_query_per_row(tmp_path, django_assert_max_num_queries, size):
    circonscriptions = [f"Circonscription n° {n % 7}" for n in range(size)]
    rows = [ecole_row(350001 + n, nom_circonscription=c) for n, c in enumerate(circonscriptions)]
    first = write_csv(tmp_path / "first.csv", rows)
    for row in rows:
        row["Nom_etablissement"] += " (renommée)"
    second = write_csv(tmp_path / "second.csv", rows)

    with django_assert_max_num_queries(8):
        import_annuaire(first)
    with django_assert_max_num_queries(8):
        assert import_annuaire(second)[1] == [
            f"created=0 updated={size} unchanged=0 skipped=0 rejected=0"
        ]


@pytest.mark.django_db
def test_rows_with_and_without_the_code_of_a_circonscription_share_it(tmp_path):
    columns = COLUMNS_2023 + ["code_circonscription"]
    rows = [
        ecole_row(350001, code_circonscription=""),
        ecole_row(350002, code_circonscription="C1"),
    ]

    code, lines = import_annuaire(write_csv(tmp_path / "annuaire.csv", rows, columns))

    assert (code, lines) == (0, ["created=2 updated=0 unchanged=0 skipped=0 rejected=0"])
    circonscription = Circonscription.objects.get()
    assert circonscription.code == "C1"
    assert circonscription.ecoles.count() == 2
