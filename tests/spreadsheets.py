"""Spreadsheets for the import tests, honest and hostile, built here rather than kept as binary fixtures."""

import io
import tracemalloc
import zipfile
from pathlib import Path

from openpyxl import Workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<sheets><sheet name="Rows" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"
    ),
}


def xlsx(rows: list[list]) -> bytes:
    """A workbook as Excel would save it (shared strings, styles for dates), written by openpyxl."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook(sheet_xml: str, shared_strings: list[str] | None = None) -> bytes:
    """The smallest workbook Excel opens, with `sheet_xml` as its one worksheet.

    With `shared_strings` (each an <si> element's inner XML) the texts live apart from the sheet, as
    Excel saves them; a cell shows one with t="s" and its number.
    """
    parts = dict(PARTS)
    if shared_strings is not None:
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            "</Relationships>",
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{MAIN}">'
            + "".join(f"<si>{text}</si>" for text in shared_strings)
            + "</sst>"
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr(SHEET, sheet_xml)
    return out.getvalue()


def sheet(rows_xml: str, *, dimension: str = "", prologue: str = "") -> str:
    dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
        f'<worksheet xmlns="{MAIN}">{dimension_xml}<sheetData>{rows_xml}</sheetData></worksheet>'
    )


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def shared_row(number: int, indexes: list[int | None]) -> str:
    cells = "".join(
        f'<c r="{chr(65 + column)}{number}" t="s"><v>{index}</v></c>'
        for column, index in enumerate(indexes)
        if index is not None
    )
    return f'<row r="{number}">{cells}</row>'


def sparse_xlsx() -> bytes:
    """1.6 KB that declares 3,000 rows by 16,384 columns around one cell: openpyxl pads every row to it."""
    return workbook(sheet(inline_row(1, ["reference"]), dimension="A1:XFD3000"))


def undefined_entity_xlsx() -> bytes:
    return workbook(sheet(inline_row(1, ["reference &nothing;"])))


def billion_laughs_xlsx() -> bytes:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    )
    return workbook(sheet(inline_row(1, ["&lol9;"]), prologue=f"<!DOCTYPE worksheet [{entities}]>"))


def chart_only_xlsx() -> bytes:
    """A workbook whose only sheet is a chart, which made openpyxl raise AttributeError."""
    book = Workbook()
    book.create_chartsheet("Chart")
    book.remove(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_bomb_xlsx(path: Path) -> Path:
    """About 1 MB on disk whose worksheet inflates to 1 GiB, written a megabyte at a time, never held whole."""
    opening = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}"><sheetData>'
        f'{inline_row(1, ["reference"])}<row r="2"><c r="A2" t="inlineStr"><is><t>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open(SHEET, "w") as part:
            part.write(opening.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(1024):
                part.write(chunk)
            part.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


MAX_MEMORY = 50 * 1024 * 1024


def refused_in_page(response) -> str:
    """The one error of an import form whose file was refused, checked to be in the page's error summary."""
    from django.utils.html import escape

    (message,) = response.context["form"].errors["file"]
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page
    assert escape(message) in page
    return message


def post_measuring_memory(client, url: str, data: dict) -> tuple:
    """The response to a POST and the peak of memory Python allocated while it was handled."""
    tracemalloc.start()
    try:
        response = client.post(url, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak
