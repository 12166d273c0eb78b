"""The one sanitiser for text people format in the browser: hostile input in, the allowed subset out."""

import pytest
from django import forms

from reviews.richtext import MAX_LENGTH, RichTextField, blocks, plain_text, replace_block, sanitise_html


@pytest.mark.parametrize(
    ("hostile", "clean"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ("<script>document.cookie</script>", ""),
        ("<style>p{display:none}</style><p>Seen</p>", "<p>Seen</p>"),
        ('<p onclick="steal()" onmouseover="x">Text</p>', "<p>Text</p>"),
        ('<p style="position:fixed;top:0">Styled</p>', "<p>Styled</p>"),
        ('<p><a href="javascript:alert(1)">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
        ('<p><a href=" JaVaScRiPt:alert(1)">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
        ('<p><a href="data:text/html,hi">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
        ('<p><a href="/relative">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
        ('<p><a href="http://plain.example/">x</a></p>', '<p><a rel="noopener noreferrer">x</a></p>'),
        (
            '<p><a href="https://www.gov.uk/" target="_blank" rel="opener">GOV.UK</a></p>',
            '<p><a href="https://www.gov.uk/" rel="noopener noreferrer">GOV.UK</a></p>',
        ),
        (
            '<p><a href="mailto:team@council.example">Write</a></p>',
            '<p><a href="mailto:team@council.example" rel="noopener noreferrer">Write</a></p>',
        ),
        ('<img src="x" onerror="alert(1)"><p>After</p>', "<p>After</p>"),
        ("<iframe src='https://evil.example'></iframe><p>Kept</p>", "<p>Kept</p>"),
        (
            "<table><tr><td><table><tr><td>Inner</td></tr></table></td><td>Cell</td></tr></table>",
            "<p>InnerCell</p>",
        ),
        ("<h1>Big</h1><h4>Small</h4>", "<p>BigSmall</p>"),
        ("<p>Fish &amp; chips &lt;b&gt;</p>", "<p>Fish &amp; chips &lt;b&gt;</p>"),
        ("<!-- a comment --><p>Text</p>", "<p>Text</p>"),
        ("<svg><script>alert(1)</script></svg><p>Text</p>", "<p>Text</p>"),
        ("<math><mi xlink:href='javascript:alert(1)'>x</mi></math>", ""),
    ],
)
def test_hostile_markup_is_removed(hostile, clean):
    assert sanitise_html(hostile) == clean


def test_the_allowed_subset_is_kept_one_block_per_line():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><p>A <strong>bold</strong> and <b>b</b>, <em>em</em> and <i>i</i>.<br>Next</p>"
        "<ul><li>One<ul><li>Nested</li></ul></li></ul><ol><li>First</li></ol>"
    )

    assert sanitise_html(html) == (
        "<h2>Heading</h2>\n<h3>Sub</h3>\n<p>A <strong>bold</strong> and <b>b</b>, <em>em</em> and <i>i</i>.<br>Next</p>"
        "\n<ul><li>One<ul><li>Nested</li></ul></li></ul>\n<ol><li>First</li></ol>"
    )


def test_loose_text_and_list_items_are_wrapped_and_empty_blocks_dropped():
    assert blocks(sanitise_html("Loose <em>text</em><p> </p><li>Item</li><p></p>")) == [
        "<p>Loose <em>text</em></p>",
        "<ul><li>Item</li></ul>",
    ]


def test_sanitising_twice_changes_nothing():
    once = sanitise_html("<p>A<script>x</script> <a href='https://a.example/'>b</a></p>text<ul><li>c</li></ul>")

    assert sanitise_html(once) == once


def test_unclosed_and_misnested_tags_come_out_well_formed():
    assert sanitise_html("<p><strong>Bold <em>both</strong> after</p><ul><li>open") == (
        "<p><strong>Bold <em>both</em></strong><em> after</em></p>\n<ul><li><em>open</em></li></ul>"
    )


def test_huge_input_is_sanitised_without_error():
    html = "<p>" + "word " * 50_000 + "</p>" + "<div>" * 2_000 + "deep" + "</div>" * 2_000

    cleaned = sanitise_html(html)

    assert cleaned.startswith("<p>word word")
    assert cleaned.endswith("deep</p>")


def test_replacing_a_block_sanitises_the_replacement():
    html = "<h2>One</h2>\n<p>Two</p>\n<p>Three</p>"

    assert (
        replace_block(html, 2, '<p onclick="x">New</p><script>1</script>') == "<h2>One</h2>\n<p>New</p>\n<p>Three</p>"
    )
    with pytest.raises(IndexError):
        replace_block(html, 4, "<p>No</p>")


def test_plain_text_has_no_markup():
    assert plain_text("<h2>A</h2>\n<p>B <strong>C</strong></p>") == "A\nB C"


class Letter(forms.Form):
    body = RichTextField(what="text of the letter")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Enter the text of the letter."),
        ("<script>x</script>", "Enter the text of the letter: what you sent has no text once cleaned."),
        ("a" * (MAX_LENGTH + 1), f"The text of the letter is {MAX_LENGTH + 1:,} characters long; it can be at most"),
    ],
)
def test_the_form_field_names_what_is_wrong(body, error):
    form = Letter({"body": body})

    assert not form.is_valid()
    assert form.errors["body"][0].startswith(error)


def test_the_form_field_cleans_what_it_accepts():
    form = Letter({"body": '<p style="x">Fine</p>'})

    assert form.is_valid()
    assert form.cleaned_data["body"] == "<p>Fine</p>"
