"""Tables written as CSV, XLSX or PDF: the three formats of a bilan, from the same tables.

A table is a title, its headings and its rows; a cell is text, a number (int or float)
or None (blank). Numbers stay numbers (XLSX numbers, CSV with a decimal comma), and text
a spreadsheet would run as a formula is neutralised in CSV and XLSX.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from astep.pdf import html_to_pdf

Cell = str | int | float | None

# OWASP "CSV Injection": a cell starting with one of these is read as a formula by
# Excel, LibreOffice or Google Sheets; a leading apostrophe makes it text again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel refuses these characters in a sheet title, and titles longer than 31 characters.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# Figure columns per part of a table in the PDF: more would not fit across an A4 page.
PDF_COLUMNS = 12


@dataclass(frozen=True)
class Table:
    """`figures_from` is the first column of figures: the ones before say which territory
    or year a row is about; in the PDF, the cells of `label_columns` name the row in every
    part of a table too wide for the page."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    figures_from: int = 1
    label_columns: Sequence[int] = (0,)


def neutralise(value: Cell) -> Cell:
    """Prefix `'` to a text cell that a spreadsheet would run as a formula; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def tables_csv(tables: Sequence[Table]) -> bytes:
    """Write `tables` one below the other as CSV bytes that French Excel opens as they are.

    UTF-8 with a BOM (Excel reads the accents right), `;` separators, decimal commas.
    Each table is its title on a line, its headings, its rows, then an empty line.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for table in tables:
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(heading) for heading in table.headings])
        writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """Write `tables` as an XLSX workbook, one sheet per table, returned as bytes.

    Headings are bold on the first row (frozen), numbers are numbers, column widths fit
    the headings (within 12 to 40 characters). openpyxl's write-only mode streams rows,
    so a national report of every département stays small in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for number, table in enumerate(tables, start=1):
        sheet = workbook.create_sheet(_sheet_title(table.title, number))
        for column, heading in enumerate(table.headings, start=1):
            width = min(max(len(heading) * 0.6, 12), 40)
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        headings = []
        for heading in table.headings:
            cell = WriteOnlyCell(sheet, value=neutralise(heading))
            cell.font, cell.alignment = bold, wrap
            headings.append(cell)
        sheet.append(headings)
        for row in table.rows:
            sheet.append([neutralise(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def tables_pdf(
    *, title: str, subtitle: str, tables: Sequence[Table], charts: Sequence[str]
) -> bytes:
    """Render `tables` and `charts` (SVG documents) as an A4 landscape PDF in French.

    Numbers are written the French way (thin space between thousands, decimal comma).
    """
    html = render_to_string(
        "surveys/report_pdf.html",
        {
            "title": title,
            "subtitle": subtitle,
            "charts": [mark_safe(_inline_svg(svg)) for svg in charts],
            "tables": [part for table in tables for part in _pdf_parts(table)],
        },
    )
    return html_to_pdf(html)


def _pdf_parts(table: Table) -> list[dict]:
    """Cut `table` into parts of PDF_COLUMNS figure columns, each row named by its label
    (its `label_columns` joined), so that no column falls off the page."""
    labels = [
        " · ".join(str(row[i]) for i in table.label_columns if row[i] not in ("", None))
        for row in table.rows
    ]
    label_heading = " · ".join(table.headings[i] for i in table.label_columns)
    columns = range(table.figures_from, len(table.headings))
    parts = [columns[i : i + PDF_COLUMNS] for i in range(0, len(columns), PDF_COLUMNS)]
    return [
        {
            "title": table.title
            if number == 0
            else gettext("%(title)s (suite %(part)s/%(parts)s)")
            % {"title": table.title, "part": number + 1, "parts": len(parts)},
            "headings": [label_heading, *(table.headings[i] for i in part)],
            "rows": [
                [label, *(_french(row[i]) for i in part)]
                for label, row in zip(labels, table.rows, strict=True)
            ],
        }
        for number, part in enumerate(parts)
    ]


def _csv_cell(value: Cell) -> str:
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return "" if value is None else str(neutralise(value))


def _french(value: Cell) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{value:,}".replace(",", "\u202f").replace(".", ",")


def _sheet_title(title: str, number: int) -> str:
    return f"{number}. {SHEET_TITLE_FORBIDDEN.sub(' ', title)}"[:31]


def _inline_svg(svg: str) -> str:
    """The <svg> element of an SVG document, without its XML declaration and doctype."""
    return svg[svg.index("<svg") :]
