import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from casemapping.models import Event
from casemapping.services import CASE_COLUMNS, EVENT_COLUMNS, IMPORT_LIMITS
from reviews.models import Case

from ..factories import CaseFactory
from ..spreadsheets import (
    MAX_MEMORY,
    billion_laughs_xlsx,
    chart_only_xlsx,
    post_measuring_memory,
    refused_in_page,
    undefined_entity_xlsx,
    xlsx,
)

HEADER = ",".join(CASE_COLUMNS)


def upload(text: str, name: str = "cases.csv", encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def post_cases(client, review, file):
    return client.post(reverse("casemapping:case_import", args=[review.pk]), {"file": file})


def errors_of(response) -> list[str]:
    return [str(error) for error in response.context["errors"]]


def test_a_valid_csv_imports_every_case(review, lead_client, police):
    text = f"{HEADER}\nC-01,5-9,1,cin,,no,Missing children,{police.name}\nC-02,Under 1,2,cp,neglect,yes,,\n"

    response = post_cases(lead_client, review, upload(text))

    assert response.status_code == 302
    assert list(review.cases.order_by("reference").values_list("reference", "legal_status", "has_disability")) == [
        ("C-01", "cin", False),
        ("C-02", "cp", True),
    ]
    assert [partner.name for partner in review.cases.get(reference="C-01").partners.all()] == [police.name]


def test_an_xlsx_file_imports_like_a_csv(review, lead_client):
    workbook = Workbook()
    workbook.active.append(CASE_COLUMNS)
    workbook.active.append(["C-03", "10-15", 3, "none", None, "no", None, None])
    out = io.BytesIO()
    workbook.save(out)

    response = post_cases(lead_client, review, SimpleUploadedFile("cases.xlsx", out.getvalue()))

    assert response.status_code == 302
    assert list(review.cases.values_list("reference", flat=True)) == ["C-03"]


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_saved(review, lead_client, case):
    text = (
        f"{HEADER}\n"
        "C-10,5-9,1,cin,,no,,\n"
        "C-001,5-9,1,cin,,no,,\n"
        "C-10,teen,9,cp,,maybe,Pirates,Unknown agency\n"
        "NMB1234567,5-9,1,cin,,no,,\n"
    )
    review.council.record_number_pattern = r"^NMB\d{7}$"
    review.council.save()

    response = post_cases(lead_client, review, upload(text))

    assert response.status_code == 400
    assert errors_of(response) == [
        "Row 3, column “reference”: a case “C-001” is already in the sample.",
        "Row 4, column “reference”: “C-10” is also on row 2; each reference once.",
        "Row 4, column “age_band”: “teen” is not an age band; use one such as 5-9.",
        f"Row 4, column “threshold_level”: “9” is not one of {review.council.name}'s threshold levels.",
        "Row 4, column “cp_category”: a case on a child protection plan needs its category.",
        "Row 4, column “disability”: “maybe” is not yes or no.",
        "Row 4, column “specific_circumstances”: “Pirates” is not one of the framework's specific circumstances.",
        f"Row 4, column “partners”: “Unknown agency” is not one of {review.council.name}'s partner agencies.",
        f"Row 5, column “reference”: “NMB1234567” looks like one of {review.council.name}'s own record numbers. "
        "Use a review-local reference such as C-01 instead.",
    ]
    assert list(review.cases.values_list("reference", flat=True)) == ["C-001"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reference,age_band\nC-01,5-9\n", "missing columns threshold_level, legal_status"),
        (f"{HEADER},name\nC-01,5-9,1,cin,,no,,,Jo\n", "unexpected column name"),
        ("", "The file chosen for “Upload a CSV or Excel file” is empty"),
        (f"{HEADER}\n", "cases.csv has no rows under the header."),
    ],
)
def test_a_file_with_the_wrong_shape_is_refused_whole(review, lead_client, text, message):
    response = post_cases(lead_client, review, upload(text))

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not review.cases.exists()


def test_a_csv_in_another_encoding_is_refused_with_the_row(review, lead_client):
    text = f"{HEADER}\nC-01,5-9,1,cin,,no,,\nC-02,5-9,1,cin,,no,,Café partners\n"

    response = post_cases(lead_client, review, upload(text, encoding="cp1252"))

    assert response.context["form"].errors["file"] == [
        "cases.csv, row 3: the text is not in UTF-8 (the file seems to use another encoding). "
        "Save it as “CSV UTF-8” (or as an Excel workbook) and upload it again."
    ]
    assert not review.cases.exists()


def test_a_50000_row_file_is_refused_without_saving_anything(review, lead_client):
    rows = "".join(f"C-{number},5-9,1,cin,,no,,\n" for number in range(50_000))

    response = post_cases(lead_client, review, upload(f"{HEADER}\n{rows}"))

    assert response.context["form"].errors["file"] == [
        f"cases.csv has more than {IMPORT_LIMITS.max_rows:,} rows (row {IMPORT_LIMITS.max_rows + 2:,} is past the limit); "
        "split it into smaller lists. Nothing was imported."
    ]
    assert not review.cases.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(review, lead_client):
    response = post_cases(lead_client, review, SimpleUploadedFile("cases.xlsx", b"PK\x03\x04 not really a zip"))

    assert response.context["form"].errors["file"] == [
        "cases.xlsx is damaged: it is not a complete Excel workbook. "
        "Save it again from Excel, or save the list as “CSV UTF-8”, and upload it again."
    ]


def test_a_spreadsheet_bomb_is_refused_on_the_case_import_page_in_bounded_memory(review, lead_client, spreadsheet_bomb):
    content, refusal = spreadsheet_bomb
    file = SimpleUploadedFile("cases.xlsx", content)

    response, peak = post_measuring_memory(
        lead_client, reverse("casemapping:case_import", args=[review.pk]), {"file": file}
    )

    assert response.status_code == 200
    assert refused_in_page(response).startswith(f"cases.xlsx {refusal}")
    assert not review.cases.exists()
    assert peak < MAX_MEMORY


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cases.xlsx", chart_only_xlsx(), "cases.xlsx has only charts, no worksheet; put the list on the first sheet."),
        (
            "cases.xlsx",
            undefined_entity_xlsx(),
            "cases.xlsx cannot be read: its part xl/worksheets/sheet1.xml is not well-formed XML "
            "(undefined entity, line 1). Save it again from Excel, or save the list as “CSV UTF-8”, "
            "and upload it again.",
        ),
        (
            "cases.xlsx",
            billion_laughs_xlsx(),
            "cases.xlsx cannot be read: its part xl/worksheets/sheet1.xml declares a document type or entities, "
            "which a workbook never does. Save it again from Excel, or save the list as “CSV UTF-8”, "
            "and upload it again.",
        ),
        (
            "cases.csv",
            xlsx([CASE_COLUMNS]),
            "cases.csv is not a CSV file: it is a ZIP archive (perhaps an Excel workbook renamed .csv); "
            "upload a workbook as .xlsx.",
        ),
        ("cases.xlsx", b"MZ\x90\x00" + bytes(100), "cases.xlsx is not an Excel workbook (.xlsx): it is a program."),
        (
            "cases.txt",
            HEADER.encode(),
            "cases.txt is not a CSV or Excel file: upload the list as .csv (CSV UTF-8) or .xlsx.",
        ),
        ("cases.xlsx", xlsx([CASE_COLUMNS]), "cases.xlsx has no rows under the header."),
    ],
    ids=["chart only", "undefined entity", "entity expansion", "zip named csv", "program", "text file", "header only"],
)
def test_a_file_that_cannot_be_read_gets_one_message_on_the_page_and_nothing_is_saved(
    review, lead_client, name, content, message
):
    response = post_cases(lead_client, review, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert refused_in_page(response) == message
    assert not review.cases.exists()


def test_the_templates_download_as_csv_and_xlsx(review, organiser_client):
    url = reverse("casemapping:case_template", args=[review.pk])

    csv_response = organiser_client.get(url)
    xlsx_response = organiser_client.get(url + "?format=xlsx")

    assert csv_response.content.decode().splitlines()[0] == HEADER
    assert csv_response["Content-Disposition"] == 'attachment; filename="case-sample.csv"'
    assert xlsx_response.content[:4] == b"PK\x03\x04"


def test_the_observer_may_not_import(review, observer_client):
    response = post_cases(observer_client, review, upload(f"{HEADER}\nC-01,5-9,1,cin,,no,,\n"))

    assert response.status_code == 403
    assert not review.cases.exists()


EVENT_HEADER = ",".join(EVENT_COLUMNS)


def post_events(client, case, text):
    url = reverse("casemapping:event_import", args=[case.review_id, case.pk])
    return client.post(url, {"file": upload(text, "events.csv")})


def test_a_chronology_imports_in_date_order(review, case, peer_client, police, social_care):
    text = (
        f"{EVENT_HEADER}\n"
        f"2025-03-17,no,,Referral decision,{social_care.name},Decision made,Assessment,,,no,,,no\n"
        f"2025-03-14,no,09:30,referral,Police,Police referral,,Police log,1,yes,{social_care.name},Time disputed,yes\n"
    )

    response = post_events(peer_client, case, text)

    assert response.status_code == 302
    events = list(case.events.order_by("date", "sequence").values_list("date", "kind__slug", "is_disputed"))
    assert events == [
        (datetime.date(2025, 3, 14), "referral", True),
        (datetime.date(2025, 3, 17), "referral-decision", False),
    ]


def test_bad_event_rows_are_reported_and_nothing_is_saved(review, case, peer_client, police):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    text = (
        f"{EVENT_HEADER}\n"
        f"{future},no,,referral,Police,Referral,,,,no,,,no\n"
        "2025-03-14,no,,teleport,Martians,Met at 01234 567890,,,,yes,,,no\n"
        "2025-01-10,no,,cp-plan-started,Police,Plan started,,,,no,,,no\n"
        "2025-01-05,no,,cp-plan-ended,Police,Plan ended,,,,no,,,no\n"
    )

    response = post_events(peer_client, case, text)

    future_day = datetime.date.fromisoformat(future)
    assert response.status_code == 400
    assert errors_of(response) == [
        f"Row 2, column “date”: {future_day:%-d %B %Y} is in the future; a chronology records what has happened.",
        "Row 3, column “kind”: “teleport” is not a kind of event set up in admin.",
        f"Row 3, column “agency”: “Martians” is not one of {review.council.name}'s partner agencies.",
        "Row 3, column “what_happened”: remove the personal identifier: it contains a phone number.",
        "Row 3, column “disputed_by”: name the agency that disputes this event.",
        "Row 3, column “dispute_reason”: say why the event is disputed.",
        "Row 5, column “date”: the child protection plan ended on 5 January 2025 is before the child protection "
        "plan started on 10 January 2025: an end cannot come before its start.",
    ]
    assert not Event.objects.exists()


def test_a_chronology_imported_twice_is_refused_the_second_time_and_nothing_is_doubled(
    review, case, peer_client, police, social_care
):
    text = (
        f"{EVENT_HEADER}\n"
        f"2025-03-17,no,,Referral decision,{social_care.name},Decision made,Assessment,,,no,,,no\n"
        "2025-03-14,no,09:30,referral,Police,Police referral,,Police log,,no,,,no\n"
    )

    first = post_events(peer_client, case, text)
    second = post_events(peer_client, case, text)

    assert first.status_code == 302 and second.status_code == 400
    assert errors_of(second) == [
        f"Row {row}, column “what_happened”: this event is already in the chronology, with the same day, kind, agency "
        "and account of what happened: remove the row, or say what differed."
        for row in (2, 3)
    ]
    assert case.events.count() == 2


def test_the_same_event_twice_in_one_file_is_named_by_its_first_row(review, case, peer_client, police):
    text = (
        f"{EVENT_HEADER}\n"
        "2025-03-14,no,,referral,Police,Police referral,,,,no,,,no\n"
        "2025-03-15,no,,referral,Police,Police referral,,,,no,,,no\n"
        "2025-03-14,no,10:00,referral,Police,police  REFERRAL,,,,no,,,no\n"
    )

    response = post_events(peer_client, case, text)

    assert errors_of(response) == [
        "Row 4, column “what_happened”: this is the same event as row 2: remove one, or say what differed."
    ]
    assert not Event.objects.exists()


def test_an_imported_event_meets_the_date_rules_of_the_event_form(review, peer_client, police):
    baby = CaseFactory(review=review, reference="C-B01", age_band=Case.AgeBand.UNDER_1)
    born_from = (review.onsite_start or datetime.date.today()).year - 1  # a baby at the review: born last year at most
    text = (
        f"{EVENT_HEADER}\n"
        "1900-01-01,no,,referral,Police,Referral,,,,no,,,no\n"
        f"{born_from - 2}-03-14,no,,referral,Police,Referral,,,,no,,,no\n"
        f"{born_from}-01-02,no,,referral,Police,Referral,,,,no,,,no\n"
    )

    response = post_events(peer_client, baby, text)

    assert response.status_code == 400
    assert errors_of(response) == [
        "Row 2, column “date”: Enter a date between 1 January 2000 and 31 December 2100.",
        f"Row 3, column “date”: The event must be in {born_from} or later: a child in this age band was born in "
        f"{born_from} at the earliest.",
    ]
    assert not Event.objects.exists()


def test_an_event_import_for_a_case_of_another_review_is_404(other_case, peer_client, review):
    url = reverse("casemapping:event_import", args=[review.pk, other_case.pk])

    response = peer_client.post(url, {"file": upload(f"{EVENT_HEADER}\n")})

    assert response.status_code == 404
    assert not Case.objects.get(pk=other_case.pk).events.exists()


def test_a_spreadsheet_bomb_is_refused_on_the_event_import_page_in_bounded_memory(
    review, case, peer_client, spreadsheet_bomb
):
    content, refusal = spreadsheet_bomb
    file = SimpleUploadedFile("events.xlsx", content)

    response, peak = post_measuring_memory(
        peer_client, reverse("casemapping:event_import", args=[review.pk, case.pk]), {"file": file}
    )

    assert response.status_code == 200
    assert refused_in_page(response).startswith(f"events.xlsx {refusal}")
    assert not Event.objects.exists()
    assert peak < MAX_MEMORY


def test_an_xlsx_chronology_with_real_date_and_time_cells_imports(review, case, peer_client, police):
    workbook = Workbook()
    workbook.active.append(EVENT_COLUMNS)
    workbook.active.append(
        [datetime.datetime(2025, 3, 14), False, datetime.time(9, 30), "Referral", "Police", "Referral", None, None,
         1, False, None, None, True]
    )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    url = reverse("casemapping:event_import", args=[review.pk, case.pk])

    response = peer_client.post(url, {"file": SimpleUploadedFile("events.xlsx", out.getvalue())})

    assert response.status_code == 302
    assert list(case.events.values_list("date", "time", "is_material")) == [
        (datetime.date(2025, 3, 14), datetime.time(9, 30), True)
    ]
