"""The three formats of a table: CSV for French Excel, XLSX, PDF; formulas neutralised."""

import io

from openpyxl import load_workbook

from surveys.exports import Table, tables_csv, tables_pdf, tables_xlsx
from tests.surveys.reading import csv_tables, pdf_text, xlsx_tables

HOSTILE = [
    '=HYPERLINK("http://evil.example","Cliquez")',
    "@SUM(A1:A9)",
    "+33 1 23",
    "-2+3",
    "\tcmd",
    "\r=1",
]
SCHOOLS = Table(
    title="Écoles",
    headings=["École", "Classes", "Heures", "Part (%)"],
    rows=[
        ["École Jules-Ferry", 12, 34.5, 60.0],
        ["École des Lilas", 0, 0.0, None],
        *[[name, -3, -1.5, 2.5] for name in HOSTILE],
    ],
)
YEARS = Table(title="Années", headings=["Année scolaire", "Classes"], rows=[["2024-2025", 1734]])


def test_the_csv_has_a_bom_semicolons_and_decimal_commas():
    data = tables_csv([SCHOOLS, YEARS])

    assert data.startswith("\ufeffÉcoles\r\nÉcole;Classes;Heures;Part (%)\r\n".encode())
    assert "École Jules-Ferry;12;34,5;60,0\r\n".encode() in data
    assert "École des Lilas;0;0,0;\r\n".encode() in data
    assert csv_tables(data)["Années"] == [{"Année scolaire": "2024-2025", "Classes": "1734"}]


def test_text_a_spreadsheet_would_run_is_neutralised_in_the_csv_and_numbers_are_not():
    rows = csv_tables(tables_csv([SCHOOLS]))["Écoles"][2:]

    assert [r["École"] for r in rows] == ["'" + name for name in HOSTILE]
    assert {(r["Classes"], r["Heures"]) for r in rows} == {("-3", "-1,5")}


def test_the_xlsx_has_one_sheet_per_table_with_bold_headings_and_numbers():
    data = tables_xlsx([SCHOOLS, YEARS])

    sheets = xlsx_tables(data)
    assert list(sheets) == ["1. Écoles", "2. Années"]
    assert sheets["1. Écoles"][0] == {
        "École": "École Jules-Ferry",
        "Classes": 12,
        "Heures": 34.5,
        "Part (%)": 60,
    }
    assert sheets["2. Années"] == [{"Année scolaire": "2024-2025", "Classes": 1734}]
    sheet = load_workbook(io.BytesIO(data))["1. Écoles"]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width >= 12
    assert sheet.freeze_panes == "A2"


def test_text_a_spreadsheet_would_run_is_neutralised_in_the_xlsx_and_numbers_are_not():
    sheet = load_workbook(io.BytesIO(tables_xlsx([SCHOOLS])))["1. Écoles"]

    cells = [(row[0].value, row[0].data_type, row[1].value) for row in sheet.iter_rows(min_row=4)]
    # XML reads a stored carriage return back as a line feed: compare the start of the text.
    assert [(value[:2], kind, number) for value, kind, number in cells] == [
        ("'" + name[0], "s", -3) for name in HOSTILE[:5]
    ] + [("'\n", "s", -3)]


def test_the_pdf_shows_the_tables_in_french_number_format():
    text = pdf_text(
        tables_pdf(title="Bilan d'essai", subtitle="France", tables=[SCHOOLS, YEARS], charts=[])
    )

    assert "Bilan d'essai" in text
    assert "École Jules-Ferry 12 34,5 60,0" in text
    assert "2024-2025 1 734" in text
