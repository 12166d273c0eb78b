"""The words people type into a questionnaire's questions reach the children's public page as words, never as
markup: crispy-forms-gds marks every label and hint safe, and the site's templates/gds overrides do not. A label or
hint the code made safe on purpose still renders as markup."""

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from crispy_forms_gds.layout import Field
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe

from focusgroups.models import Question

from .conftest import make_questionnaire

PLANTED = '<a href="https://evil.example/">Click here</a>'
ESCAPED = "&lt;a href=&quot;https://evil.example/&quot;&gt;Click here&lt;/a&gt;"


@pytest.mark.django_db
def test_a_questions_words_are_escaped_on_the_public_page(client, review):
    kinds = [(Question.Kind.AGREE, "agree"), (Question.Kind.SINGLE, "single"), (Question.Kind.MULTIPLE, "multiple"),
             (Question.Kind.TEXT, "text")]  # fmt: skip
    questions = [(kind, f"{name} {PLANTED}", "One\nTwo" if name in {"single", "multiple"} else "", False)
                 for kind, name in kinds]  # fmt: skip
    questionnaire = make_questionnaire(review, title="Planted", questions=questions)

    page = client.get(f"/q/{questionnaire.token}/").content.decode()

    assert 'evil.example/">' not in page and 'href="https://evil.example/"' not in page
    assert page.count(ESCAPED) == len(kinds)


class Sample(forms.Form):
    typed = forms.CharField(label=PLANTED, help_text=PLANTED)
    many = forms.MultipleChoiceField(label=PLANTED, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    one = forms.ChoiceField(label=PLANTED, choices=[("a", "A")], widget=forms.RadioSelect, help_text=PLANTED)
    when = forms.SplitDateTimeField(label=PLANTED)
    made_safe = forms.CharField(label=mark_safe("Name <span class='govuk-visually-hidden'>of the agency</span>"),
                                help_text=mark_safe("See <strong>the guide</strong>"))  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("typed", Field.checkboxes("many"), Field.radios("one"), "when", "made_safe")


def test_labels_and_hints_are_escaped_unless_made_safe():
    html = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render({"form": Sample()})
    assert 'href="https://evil.example/"' not in html
    assert html.count(ESCAPED) == 6  # four labels or legends, two hints
    assert "Name <span class='govuk-visually-hidden'>of the agency</span>" in html
    assert "See <strong>the guide</strong>" in html
