"""Read the bilans back as a person would: the CSV in a spreadsheet, the XLSX, the PDF's text."""

import csv
import io
from itertools import zip_longest

from openpyxl import load_workbook
from pypdf import PdfReader


def csv_tables(data: bytes) -> dict[str, list[dict[str, str]]]:
    """{table title: rows as {heading: cell}} of a bilan's CSV (tables separated by a blank line)."""
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    tables = {}
    for block in data.decode("utf-8-sig").split("\r\n\r\n"):
        if not block.strip():
            continue
        title, body = block.split("\r\n", 1)
        tables[next(csv.reader([title], delimiter=";"))[0]] = list(
            csv.DictReader(io.StringIO(body), delimiter=";")
        )
    return tables


def xlsx_tables(data: bytes) -> dict[str, list[dict]]:
    """{sheet title: rows as {heading: value}} of a bilan's workbook."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    tables = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        # Trailing blank cells are not stored: a short row ends with blanks.
        tables[sheet.title] = [dict(zip_longest(rows[0], row)) for row in rows[1:]]
    workbook.close()
    return tables


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, its whitespace runs made single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())
