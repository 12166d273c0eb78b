"""The one writer of spreadsheets and CSV files: text that looks like a formula stays text."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reviews import exports

HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), data_only=False).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_csv_writer_puts_an_apostrophe_before_text_that_looks_like_a_formula(text):
    content = exports.to_csv([["Title"], [text]])

    rows = list(csv.reader(io.StringIO(content, newline="")))
    assert rows == [["Title"], ["'" + text]]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_xlsx_writer_writes_text_that_looks_like_a_formula_as_text(text):
    content = exports.to_xlsx([["Title"], [text]], title="Plan")

    cells = read_xlsx(content)
    cell = cells[1][0]
    assert cell.data_type == "s"
    assert (
        cell.value == text
    )  # written with lxml (which the Word and PowerPoint writers need), a carriage return is kept
    assert cell.quotePrefix is True
    assert cells[0][0].quotePrefix is False


def test_numbers_dates_and_ordinary_text_keep_their_types():
    row = [-2, 1.5, Decimal("45.50"), datetime.date(2027, 3, 31), True, None, "Front door"]

    csv_rows = list(csv.reader(io.StringIO(exports.to_csv([row]), newline="")))
    xlsx_cells = read_xlsx(exports.to_xlsx([row]))[0]

    assert csv_rows == [["-2", "1.5", "45.50", "2027-03-31", "True", "", "Front door"]]
    assert [cell.value for cell in xlsx_cells] == [
        -2,
        1.5,
        45.5,
        datetime.datetime(2027, 3, 31),
        True,
        None,
        "Front door",
    ]
    assert [cell.data_type for cell in xlsx_cells] == ["n", "n", "n", "d", "b", "n", "s"]


def test_text_pasted_with_control_characters_is_written_without_them():
    content = exports.to_xlsx([["Agree\x0b one\x00 threshold\x1f document"], ["\x01=1+1"]])

    cells = read_xlsx(content)
    assert cells[0][0].value == "Agree one threshold document"
    assert (cells[1][0].value, cells[1][0].data_type) == ("=1+1", "s")


def test_a_sheet_title_excel_would_refuse_is_made_acceptable():
    long = exports.to_xlsx([["x"]], title="Results: round 1/2 [draft] of a very long questionnaire")
    quoted = exports.to_xlsx([["x"]], title="'Draft' plan")

    assert load_workbook(io.BytesIO(long)).active.title == "Results  round 1 2  draft  of a"
    assert load_workbook(io.BytesIO(quoted)).active.title == "Draft' plan"


def test_a_workbook_of_several_sheets_keeps_their_order_and_writes_each_as_one_sheet_is_written():
    content = exports.to_xlsx_sheets([("Rows", [["Title"], ["=1"]]), ("Notes: [draft]", [["Plain", 3]])])

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Rows", "Notes   draft"]
    assert workbook["Rows"]["A2"].value == "=1"
    assert workbook["Rows"]["A2"].quotePrefix is True
    assert [cell.value for cell in workbook["Notes   draft"][1]] == ["Plain", 3]
