"""The improvement plan's spreadsheet keeps what the council typed as text, never as a live formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import ActionFactory, PriorityFactory

HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_plan_export_writes_formula_like_text_as_text(review, lead_client, text):
    priority = PriorityFactory(review=review, title=text, outcome=text)
    ActionFactory(
        priority=priority, description=text, owner_role=text, owner_agency=text, success_measure=text, target_value=12
    )

    response = lead_client.get(reverse("conference:plan_xlsx", args=[review.pk]))

    sheet = load_workbook(io.BytesIO(response.content), data_only=False).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    action_row = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    kept = text  # written with lxml (a dependency of the Word and PowerPoint writers), a carriage return is kept
    assert response.status_code == 200
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert action_row[:5] == [kept, kept, kept, kept, kept]
    assert action_row[6] == kept
    assert action_row[8] == 12


def test_an_action_pasted_with_control_characters_still_exports(review, lead_client):
    ActionFactory(priority=PriorityFactory(review=review, title="Front door"), description="Audit\x0b contacts\x1f")

    response = lead_client.get(reverse("conference:plan_xlsx", args=[review.pk]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert response.status_code == 200
    assert sheet["C2"].value == "Audit contacts"
