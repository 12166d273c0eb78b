"""The bounded table reader every import uses: honest files read, hostile ones refused with one plain message."""

import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from reviews import tables

from ..spreadsheets import (
    billion_laughs_xlsx,
    chart_only_xlsx,
    inline_row,
    shared_row,
    sheet,
    sparse_xlsx,
    undefined_entity_xlsx,
    workbook,
    xlsx,
)

COLUMNS = ["reference", "age_band", "notes"]
MAX_MEMORY = 50 * 1024 * 1024


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, limits: tables.Limits = tables.LIMITS) -> str:
    with pytest.raises(tables.TableError) as caught:
        tables.read_rows(upload(name, content), limits=limits)
    return str(caught.value)


def refusal_in_bounded_memory(name: str, content: bytes, limits: tables.Limits = tables.LIMITS) -> tuple[str, int]:
    """The refusal's message and the peak of memory Python allocated while reading to it."""
    tracemalloc.start()
    try:
        message = refusal(name, content, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return message, peak


# Honest files


def test_a_csv_is_read_into_rows_keyed_by_the_stage_columns_with_their_row_numbers():
    content = "\ufeffReference, Age band ,NOTES\nC-01,5-9, seen alone \n,,\nC-02,10-15,\n".encode()

    rows = tables.read_table(upload("cases.csv", content), COLUMNS)

    assert rows == [
        {"reference": "C-01", "age_band": "5-9", "notes": "seen alone", "_row": 2},
        {"reference": "C-02", "age_band": "10-15", "notes": "", "_row": 4},
    ]


def test_an_xlsx_gives_dates_times_numbers_and_booleans_as_the_text_a_person_typed():
    content = xlsx(
        [
            ["date", "time", "whole", "fraction", "flag", "text"],
            [datetime.datetime(2025, 3, 14), datetime.time(9, 30), 3, 1.5, True, "  Referral  "],
            [datetime.datetime(2025, 3, 14, 10, 5), None, 0, None, False, None],
        ]
    )

    table = tables.read_rows(upload("events.xlsx", content))

    assert table.header == ["date", "time", "whole", "fraction", "flag", "text"]
    assert table.rows == [
        (2, ["2025-03-14", "09:30", "3", "1.5", "yes", "Referral"]),
        (3, ["2025-03-14 10:05", "", "0", "", "no"]),
    ]


def test_texts_shared_across_the_workbook_are_read_as_excel_saves_them():
    texts = ["<t>reference</t>", "<t>notes</t>", "<t>C-01</t>", "<r><t>Seen </t></r><r><t>alone</t></r>", "<t> </t>"]
    texts.append('<t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh>')
    rows = shared_row(1, [0, 1]) + shared_row(2, [2, 3]) + shared_row(3, [4, 4]) + shared_row(5, [2, 5])

    table = tables.read_rows(upload("cases.xlsx", workbook(sheet(rows), shared_strings=texts)))

    assert (table.header_row, table.header) == (1, ["reference", "notes"])
    assert table.rows == [(2, ["C-01", "Seen alone"]), (5, ["C-01", "山田"])]


def test_the_first_worksheet_is_read_when_a_chart_sheet_comes_before_it():
    book = Workbook()
    book.active.append(["reference"])
    book.active.append(["C-01"])
    book.create_chartsheet("Chart", 0)
    out = io.BytesIO()
    book.save(out)

    table = tables.read_rows(upload("cases.xlsx", out.getvalue()))

    assert table.rows == [(2, ["C-01"])]


def test_the_header_must_hold_exactly_the_columns_unless_some_are_optional():
    content = b"Reference,notes,notes,colour\nC-01,a,b,red\n"

    with pytest.raises(tables.ColumnsError) as exact:
        tables.read_table(upload("cases.csv", content), COLUMNS)
    optional = tables.read_table(upload("cases.csv", b"Reference,colour\nC-01,red\n"), COLUMNS, required=["reference"])

    assert str(exact.value) == (
        "cases.csv, row 1 (the header) does not match the template: missing column age_band; "
        "unexpected column colour; notes appears twice. The columns must be: reference, age_band, notes."
    )
    assert (exact.value.missing, exact.value.unexpected, exact.value.repeated) == (["age_band"], ["colour"], ["notes"])
    assert optional == [{"reference": "C-01", "age_band": "", "notes": "", "_row": 2}]


# Spreadsheet bombs


def test_a_sparse_dimension_is_refused_before_any_row_is_read_in_bounded_memory():
    content = sparse_xlsx()

    message, peak = refusal_in_bounded_memory("timetable.xlsx", content)

    assert len(content) < 2000
    assert message == (
        "timetable.xlsx cannot be read: its first sheet declares the range A1:XFD3000, 3,000 rows by 16,384 columns; "
        "the most is 2,001 rows (a header and 2,000 rows) by 50 columns. "
        "Delete the empty rows and columns after the list, or copy the list into a new workbook."
    )
    assert peak < MAX_MEMORY


def test_a_sheet_that_inflates_to_a_gigabyte_is_refused_before_it_is_inflated(bomb_xlsx):
    message, peak = refusal_in_bounded_memory("cases.xlsx", bomb_xlsx)

    assert len(bomb_xlsx) < 2 * 1024 * 1024
    assert message.startswith(
        "cases.xlsx cannot be read safely: its part xl/worksheets/sheet1.xml would expand from 1 MB to 1024 MB, "
    )
    assert message.endswith("times; the most is 100 times. " + tables.core.AGAIN)
    assert peak < MAX_MEMORY


def test_a_bomb_let_past_the_zip_checks_is_stopped_by_the_cell_cap_while_it_streams(bomb_xlsx):
    trusting = tables.Limits(max_uncompressed_bytes=2 * 1024**3, max_compression_ratio=10_000)

    message, peak = refusal_in_bounded_memory("cases.xlsx", bomb_xlsx, trusting)

    assert message == "cases.xlsx, row 2, column A: the cell holds more than 10,000 characters; the most is 10,000."
    assert peak < MAX_MEMORY


def test_a_workbook_that_would_expand_past_the_total_cap_is_refused_from_its_declared_sizes():
    content = xlsx([["reference"], ["C-01"]])

    message = refusal("cases.xlsx", content, tables.Limits(max_uncompressed_bytes=1024))

    assert message.startswith("cases.xlsx cannot be read safely: it would expand to ")
    assert message.endswith("; the most is 1 KB. Split the list into smaller files.")


def test_a_zip_of_thousands_of_parts_is_refused_before_they_are_listed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(1001):
            archive.writestr(f"xl/part{number}.xml", "")

    message = refusal("cases.xlsx", out.getvalue())

    assert message == "cases.xlsx cannot be read: it holds more than 1,000 parts, far more than a workbook."


# Broken or hostile XML


def test_a_workbook_with_only_a_chart_sheet_is_refused():
    assert refusal("cases.xlsx", chart_only_xlsx()) == (
        "cases.xlsx has only charts, no worksheet; put the list on the first sheet."
    )


def test_an_undefined_xml_entity_is_refused():
    assert refusal("cases.xlsx", undefined_entity_xlsx()) == (
        "cases.xlsx cannot be read: its part xl/worksheets/sheet1.xml is not well-formed XML "
        "(undefined entity, line 1). " + tables.core.AGAIN
    )


def test_a_dtd_entity_expansion_is_refused_before_it_expands():
    content = billion_laughs_xlsx()

    message, peak = refusal_in_bounded_memory("cases.xlsx", content)

    assert message == (
        "cases.xlsx cannot be read: its part xl/worksheets/sheet1.xml declares a document type or entities, "
        "which a workbook never does. " + tables.core.AGAIN
    )
    assert peak < MAX_MEMORY


def test_a_damaged_zip_is_refused():
    content = xlsx([["reference"], ["C-01"]])

    assert refusal("cases.xlsx", content[: len(content) // 2]) == (
        "cases.xlsx is damaged: it is not a complete Excel workbook. " + tables.core.AGAIN
    )


# Cells, rows and columns past the caps


def test_a_csv_cell_of_200_kb_is_refused_with_its_row():
    content = b"reference,notes\nC-01,short\nC-02," + b"x" * 200_000 + b"\n"

    assert refusal("timetable.csv", content) == (
        "timetable.csv, row 3: a cell holds more than 131,072 characters; the most is 10,000."
    )


def test_a_csv_cell_over_the_cap_is_refused_with_its_row_column_and_length():
    content = b"reference,notes\nC-01," + b"x" * 12_345 + b"\n"

    assert refusal("cases.csv", content) == (
        "cases.csv, row 2, column B: the cell holds 12,345 characters; the most is 10,000."
    )


def test_an_xlsx_cell_over_the_cap_is_refused_with_its_row_and_column():
    inline = workbook(sheet(inline_row(1, ["reference", "notes"]) + inline_row(2, ["C-01", "x" * 10_001])))
    texts = ["<t>reference</t>", "<t>notes</t>", "<t>C-01</t>", f"<t>{'y' * 12_000}</t>"]
    shared = workbook(sheet(shared_row(1, [0, 1]) + shared_row(2, [2, 2]) + shared_row(3, [2, 3])), texts)

    assert refusal("cases.xlsx", inline) == (
        "cases.xlsx, row 2, column B: the cell holds more than 10,000 characters; the most is 10,000."
    )
    assert refusal("cases.xlsx", shared) == (
        "cases.xlsx, row 3, column B: the cell holds 12,000 characters; the most is 10,000."
    )


def test_too_many_rows_are_refused_at_the_first_row_past_the_cap():
    rows = "".join(f"C-{number}\n" for number in range(2_001))
    undeclared = workbook(sheet("".join(inline_row(number, ["C"]) for number in range(1, 2_003))))

    assert refusal("cases.csv", f"reference\n{rows}".encode()) == (
        "cases.csv has more than 2,000 rows (row 2,002 is past the limit); split it into smaller lists. "
        "Nothing was imported."
    )
    assert refusal("cases.xlsx", undeclared) == (
        "cases.xlsx has more than 2,000 rows (row 2,002 is past the limit); split it into smaller lists. "
        "Nothing was imported."
    )


def test_too_many_columns_are_refused_at_the_first_cell_past_the_cap():
    wide = [f"c{number}" for number in range(51)]
    undeclared = workbook(sheet(inline_row(1, ["reference"]) + '<row r="2"><c r="AY2"><v>7</v></c></row>'))

    assert refusal("cases.csv", (",".join(wide) + "\n").encode()) == (
        "cases.csv, row 1, column AY: the file has a value in column 51; the most is 50 columns."
    )
    assert refusal("cases.xlsx", xlsx([wide, wide])) == (
        "cases.xlsx cannot be read: its first sheet declares the range A1:AY2, 2 rows by 51 columns; "
        "the most is 2,001 rows (a header and 2,000 rows) by 50 columns. "
        "Delete the empty rows and columns after the list, or copy the list into a new workbook."
    )
    assert refusal("cases.xlsx", undeclared) == (
        "cases.xlsx, row 2, column AY: the file has a value in column 51; the most is 50 columns."
    )


def test_a_stage_can_narrow_the_caps():
    narrow = tables.Limits(max_rows=1, max_columns=2, max_cell_chars=3, max_bytes=100)

    assert refusal("cases.csv", b"a\n1\n2\n", narrow) == (
        "cases.csv has more than 1 rows (row 3 is past the limit); split it into smaller lists. Nothing was imported."
    )
    assert refusal("cases.csv", b"a,b,c\n", narrow) == (
        "cases.csv, row 1, column C: the file has a value in column 3; the most is 2 columns."
    )
    assert refusal("cases.csv", b"a\nabcd\n", narrow) == (
        "cases.csv, row 2, column A: the cell holds 4 characters; the most is 3."
    )
    assert refusal("cases.csv", b"a\n" + b"1\n" * 60, narrow) == (
        "cases.csv is 1 KB; the most is 1 KB. Split the list into smaller files."
    )


# Wrong kinds of file


def test_a_csv_with_a_nul_byte_is_refused():
    assert refusal("cases.csv", b"reference\nC-01\nC-\x0002\n") == (
        "cases.csv, row 3: the file holds a NUL character, so it is not a text file. "
        "Save the list as “CSV UTF-8” and upload it again."
    )


def test_a_latin_1_csv_is_refused_with_the_row():
    content = "reference,notes\nC-01,fine\nC-02,Café\n".encode("latin-1")

    assert refusal("cases.csv", content) == (
        "cases.csv, row 3: the text is not in UTF-8 (the file seems to use another encoding). "
        "Save it as “CSV UTF-8” (or as an Excel workbook) and upload it again."
    )


def test_a_csv_that_is_really_a_zip_is_refused():
    assert refusal("cases.csv", xlsx([["reference"], ["C-01"]])) == (
        "cases.csv is not a CSV file: it is a ZIP archive (perhaps an Excel workbook renamed .csv); "
        "upload a workbook as .xlsx."
    )


def test_a_program_renamed_xlsx_is_refused():
    content = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)

    assert refusal("cases.xlsx", content) == "cases.xlsx is not an Excel workbook (.xlsx): it is a program."


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")

    assert refusal("cases.xlsx", out.getvalue()) == (
        "cases.xlsx is not an Excel workbook (.xlsx): it is a ZIP archive without a workbook in it."
    )


def test_a_file_of_another_type_is_refused_by_its_name():
    assert refusal("cases.xls", b"reference\nC-01\n") == (
        "cases.xls is not a CSV or Excel file: upload the list as .csv (CSV UTF-8) or .xlsx."
    )


@pytest.mark.parametrize("name", ["cases.csv", "cases.xlsx"])
def test_an_empty_file_is_refused(name):
    assert refusal(name, b"") == f"{name} is empty."


@pytest.mark.parametrize(
    ("name", "content"),
    [("cases.csv", b"reference,age_band,notes\n\n\n"), ("cases.xlsx", xlsx([COLUMNS]))],
)
def test_a_file_with_a_header_and_no_rows_is_refused(name, content):
    assert refusal(name, content) == f"{name} has no rows under the header."


def test_a_file_of_blank_lines_is_refused():
    assert refusal("cases.csv", b"\n,,\n\n") == "cases.csv is empty: there is no header row."


# Templates


def test_the_csv_template_is_written_with_formulas_kept_as_text():
    content = tables.template_csv(["reference", "=kind"], ["C-01", '=HYPERLINK("https://evil.example","x")'])

    assert content.decode("utf-8").splitlines() == [
        "reference,'=kind",
        'C-01,"\'=HYPERLINK(""https://evil.example"",""x"")"',
    ]


def test_the_xlsx_template_has_the_rows_and_the_allowed_values_with_formulas_kept_as_text():
    from openpyxl import load_workbook

    content = tables.template_xlsx(["reference", "kind"], ["C-01", "-2"], [("kind", "@SUM(A1); Referral")])

    workbook = load_workbook(io.BytesIO(content))
    rows, allowed = workbook["Rows"], workbook["Allowed values"]
    assert workbook.sheetnames == ["Rows", "Allowed values"]
    assert [[cell.value for cell in row] for row in rows.iter_rows()] == [["reference", "kind"], ["C-01", "-2"]]
    assert [[cell.value for cell in row] for row in allowed.iter_rows()] == [
        ["Column", "Allowed values"],
        ["kind", "@SUM(A1); Referral"],
    ]
    assert (rows["B2"].data_type, rows["B2"].quotePrefix) == ("s", True)
    assert (allowed["B2"].data_type, allowed["B2"].quotePrefix) == ("s", True)
    assert rows["A2"].quotePrefix is False
