import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from audits.models import CouncilAudit, CouncilGrade
from audits.services import IMPORT_LIMITS
from reviews.models import Case
from tests.factories import CaseFactory

from ..spreadsheets import MAX_MEMORY, post_measuring_memory, refused_in_page

DOMAINS = [
    "threshold and referral decision",
    "quality of assessment",
    "planning",
    "voice of the child",
    "multi-agency working and information sharing",
    "management oversight and supervision",
    "recording and chronology",
    "timeliness",
    "impact and outcomes",
]
HEADER = ["case reference", "auditor role", "auditor team", "audit date", *DOMAINS, "overall grade", "narrative"]


def row(reference: str, grade: str = "Good", overall: str = "Good", date: str = "2025-01-15") -> list[str]:
    return [reference, "Team manager", "Team North", date, *([grade] * 9), overall, "Child seen alone."]


def csv_file(rows: list[list[str]], header=HEADER) -> SimpleUploadedFile:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("audits.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def post(client, review, upload):
    return client.post(reverse("audits:audit_import", args=[review.pk]), {"file": upload})


def test_a_csv_of_audits_is_imported_with_a_grade_per_domain(review, lead_client):
    CaseFactory(review=review, reference="C-01")
    CaseFactory(review=review, reference="C-02")

    response = post(lead_client, review, csv_file([row("C-01"), row("C-02", grade="Inadequate", overall="Inadequate")]))

    assert response.status_code == 302
    assert CouncilAudit.objects.filter(review=review).count() == 2
    assert CouncilGrade.objects.filter(audit__case__reference="C-02", grade__label="Inadequate").count() == 9


def test_an_xlsx_of_audits_is_imported(review, organiser_client):
    CaseFactory(review=review, reference="C-01")
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(row("C-01", overall="Outstanding"))
    out = io.BytesIO()
    workbook.save(out)

    response = post(organiser_client, review, SimpleUploadedFile("audits.xlsx", out.getvalue()))

    assert response.status_code == 302
    assert CouncilAudit.objects.get(review=review).overall_grade.label == "Outstanding"


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(review, other_review, lead_client):
    CaseFactory(review=review, reference="C-01")
    CaseFactory(review=other_review, reference="X-09")
    rows = [row("C-01"), row("X-09"), row("C-01", grade="Adequate", date="next week")]

    response = post(lead_client, review, csv_file(rows))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 3, column “case reference”: “X-09” is not a case in this review&#x27;s sample." in page
    assert "Row 4, column “case reference”: Case C-01 is also on row 2." in page
    assert "Row 4, column “audit date”: Enter a date such as 2025-01-15." in page
    assert "Row 4, column “planning”: “Adequate” is not on the tool&#x27;s scale" in page
    assert CouncilAudit.objects.count() == 0


def test_a_missing_domain_column_is_refused_before_any_row(review, lead_client):
    CaseFactory(review=review, reference="C-01")
    header = [column for column in HEADER if column != "planning"]

    response = post(lead_client, review, csv_file([row("C-01")[:-1]], header=header))

    assert "missing column planning" in response.content.decode()
    assert CouncilAudit.objects.count() == 0


def test_an_empty_domain_grade_is_refused(review, lead_client):
    CaseFactory(review=review, reference="C-01")
    values = row("C-01")
    values[6] = ""

    response = post(lead_client, review, csv_file([values]))

    assert "Row 2, column “planning”: Enter a grade for this domain." in response.content.decode()
    assert CouncilAudit.objects.count() == 0


def test_a_spreadsheet_bomb_is_refused_on_the_audit_import_page_in_bounded_memory(
    review, lead_client, spreadsheet_bomb
):
    content, refusal = spreadsheet_bomb
    CaseFactory(review=review, reference="C-01")
    file = SimpleUploadedFile("audits.xlsx", content)

    response, peak = post_measuring_memory(
        lead_client, reverse("audits:audit_import", args=[review.pk]), {"file": file}
    )

    assert response.status_code == 200
    assert refused_in_page(response).startswith(f"audits.xlsx {refusal}")
    assert CouncilAudit.objects.count() == 0
    assert peak < MAX_MEMORY


def test_an_audit_list_of_10001_rows_is_refused_at_the_row_past_the_cap(review, lead_client):
    rows = [row(f"C-{number:05d}") for number in range(10_001)]

    response = post(lead_client, review, csv_file(rows))

    assert IMPORT_LIMITS.max_rows == 10_000
    assert refused_in_page(response) == (
        "audits.csv has more than 10,000 rows (row 10,002 is past the limit); "
        "split it into smaller lists. Nothing was imported."
    )
    assert CouncilAudit.objects.count() == 0


def test_an_audit_list_of_10000_rows_is_read_and_every_row_checked(review, lead_client):
    Case.objects.bulk_create(
        Case(review=review, reference=f"C-{number:05d}", age_band=Case.AgeBand.AGE_5_9) for number in range(10_000)
    )
    rows = [row(f"C-{number:05d}") for number in range(9_999)] + [row("C-09999", overall="Superb")]

    response = post(lead_client, review, csv_file(rows))

    assert response.status_code == 200
    assert [str(error) for error in response.context["errors"]] == [
        "Row 10001, column “overall grade”: “Superb” is not on the tool's scale "
        "(Good, Inadequate, Outstanding, Requires improvement to be good)."
    ]
    assert CouncilAudit.objects.count() == 0


def test_a_header_only_file_is_refused_by_name(review, lead_client):
    response = post(lead_client, review, csv_file([]))

    assert refused_in_page(response) == "audits.csv has no rows under the header."
    assert CouncilAudit.objects.count() == 0


def test_the_template_downloads_as_csv_and_xlsx_with_every_domain(review, lead_client):
    url = reverse("audits:audit_template", args=[review.pk])

    csv_response = lead_client.get(url)
    xlsx_response = lead_client.get(url + "?format=xlsx")

    assert csv_response.content.decode().splitlines()[0] == ",".join(
        f'"{column}"' if "," in column else column for column in HEADER
    )
    assert csv_response["Content-Disposition"] == 'attachment; filename="council-audits-template.csv"'
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER


def test_read_only_and_peer_roles_cannot_import(review, observer_client, peer_client, auditor_client):
    upload = csv_file([row("C-01")])

    statuses = [post(client, review, upload).status_code for client in (observer_client, peer_client, auditor_client)]

    assert statuses == [403, 403, 403]


def test_the_import_page_states_the_audit_row_cap(review, lead_client):
    response = lead_client.get(reverse("audits:audit_import", args=[review.pk]))

    assert "At most 10000 rows." in response.content.decode()


def test_a_council_audit_dated_in_the_future_is_refused_by_import_and_by_form(review, tool, grades, lead_client):
    from django.utils import timezone

    CaseFactory(review=review, reference="C-01")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    expected = f"A council audit on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: record it as done once that day has come."

    imported = post(lead_client, review, csv_file([row("C-01", date=tomorrow.isoformat())]))
    typed = lead_client.post(
        reverse("audits:audit_create", args=[review.pk]),
        {
            "case": review.cases.get().pk,
            "auditor_role": "Team manager",
            "auditor_team": "North",
            "audit_date": tomorrow.isoformat(),
        },
    )

    assert f"Row 2, column “audit date”: {expected}" in imported.content.decode()
    assert typed.context["form"].errors["audit_date"] == [expected]
    assert CouncilAudit.objects.count() == 0
