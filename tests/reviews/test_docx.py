"""The one HTML-to-Word converter, on its own: every document is read back with python-docx."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from reviews.docx import html_to_docx


def read(html: str, title: str = "A document") -> Document:
    return Document(io.BytesIO(html_to_docx(html, title=title)))


def paragraphs(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_headings_and_paragraphs_keep_their_levels():
    document = read("<h1>Title</h1><h2>Section</h2><h3>Part</h3><h4>Minor</h4><p>Body text.</p>")

    assert paragraphs(document) == [
        ("Heading 1", "Title"),
        ("Heading 2", "Section"),
        ("Heading 3", "Part"),
        ("Heading 4", "Minor"),
        ("Normal", "Body text."),
    ]


def test_the_title_and_language_are_set():
    document = read("<p>x</p>", title="Feedback letter: Northmoor")

    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert document.core_properties.title == "Feedback letter: Northmoor"
    assert document.core_properties.language == "en-GB"
    assert lang.get(qn("w:val")) == "en-GB"


def test_bold_italic_and_links_are_runs_of_their_own():
    document = read(
        "<p>Plain <strong>bold</strong> <b>b</b> <em>italic</em> <i>i</i> "
        '<a href="https://www.gov.uk/">a link</a> and <a href="javascript:x()">not a link</a>.</p>'
    )

    paragraph = document.paragraphs[0]
    runs = [(run.text, run.bold, run.italic) for run in paragraph.iter_inner_content() if hasattr(run, "bold")]
    assert paragraph.text == "Plain bold b italic i a link and not a link."
    assert ("bold", True, None) in runs and ("b", True, None) in runs
    assert ("italic", None, True) in runs and ("i", None, True) in runs
    assert [(link.text, link.address) for link in paragraph.hyperlinks] == [("a link", "https://www.gov.uk/")]


def test_line_breaks_stay_inside_their_paragraph_and_white_space_collapses():
    document = read("<p>  First\n   line<br>Second   line  </p>")

    assert paragraphs(document) == [("Normal", "First line\nSecond line ")]


def test_lists_nest_and_numbered_lists_start_again_at_one():
    document = read(
        "<ul><li>One<ul><li>Nested<ul><li>Deeper<ul><li>Deepest</li></ul></li></ul></li></ul></li><li>Two</li></ul>"
        "<ol><li>First</li><li>Second</li></ol><p>Between</p><ol><li>Again</li></ol>"
    )

    assert paragraphs(document) == [
        ("List Bullet", "One"),
        ("List Bullet 2", "Nested"),
        ("List Bullet 3", "Deeper"),
        ("List Bullet 3", "Deepest"),
        ("List Bullet", "Two"),
        ("List Number", "First"),
        ("List Number", "Second"),
        ("Normal", "Between"),
        ("List Number", "Again"),
    ]
    first, again = document.paragraphs[5], document.paragraphs[8]
    first_id = first._p.pPr.numPr.numId.val
    assert first_id != again._p.pPr.numPr.numId.val
    num = document.part.numbering_part.element.num_having_numId(again._p.pPr.numPr.numId.val)
    assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"]


def test_a_table_gets_a_header_row_and_ragged_rows_are_padded():
    document = read(
        "<table><caption>Agreement by stage</caption><thead><tr><th>Stage</th><th>Agreed</th></tr></thead>"
        "<tbody><tr><td>Audits</td><td><strong>12</strong></td></tr><tr><td>Only one cell</td></tr></tbody></table>"
    )

    table = document.tables[0]
    header = table.rows[0]
    assert paragraphs(document) == [("Normal", "Agreement by stage")]
    assert document.paragraphs[0].runs[0].italic is True
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Stage", "Agreed"],
        ["Audits", "12"],
        ["Only one cell", ""],
    ]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert header.cells[0].paragraphs[0].runs[0].bold is True
    assert table.rows[1]._tr.trPr is None


@pytest.mark.parametrize("span", ["3", "99", "nonsense"])
def test_a_cell_spanning_rows_is_merged_and_the_rows_below_keep_their_columns(span):
    document = read(
        "<table><thead><tr><th>Finding</th><th>Evidence</th><th>Stage</th></tr></thead>"
        f'<tbody><tr><th rowspan="{span}">Prompt referrals</th><td>Event 1</td><td>Case mapping</td></tr>'
        "<tr><td>Audit 2</td><td>Audits</td></tr><tr><td>Note 3</td><td>Interviews</td></tr></tbody></table>"
    )

    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    if span == "nonsense":  # an unreadable span is one row, as browsers read it
        assert rows[2][:2] == ["Audit 2", "Audits"]
    else:
        assert rows[1:] == [
            ["Prompt referrals", "Event 1", "Case mapping"],
            ["Prompt referrals", "Audit 2", "Audits"],
            ["Prompt referrals", "Note 3", "Interviews"],
        ]


def test_a_table_of_th_cells_without_thead_still_has_its_header_row():
    document = read("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>")

    assert document.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_nested_table_sits_inside_its_cell():
    document = read("<table><tr><td>Outer<table><tr><td>Inner</td></tr></table></td></tr></table>")

    cell = document.tables[0].cell(0, 0)
    assert cell.paragraphs[0].text == "Outer"
    assert cell.tables[0].cell(0, 0).text == "Inner"


def test_figures_keep_their_caption_in_italics_and_drop_the_svg():
    document = read(
        '<figure><svg viewBox="0 0 10 10"><text>Chart label</text></svg>'
        "<figcaption>Figure 1: agreement by stage</figcaption></figure>"
    )

    assert paragraphs(document) == [("Normal", "Figure 1: agreement by stage")]
    assert document.paragraphs[0].runs[0].italic is True


def test_scripts_styles_and_marked_parts_are_skipped():
    document = read(
        "<head><title>Head title</title><style>p { color: red }</style></head>"
        "<body><script>alert('x')</script><p>Kept</p><div data-docx=\"skip\"><p>Screen only</p></div>"
        "<nav data-docx='skip'>Menu</nav><p>Also kept</p></body>"
    )

    assert paragraphs(document) == [("Normal", "Kept"), ("Normal", "Also kept")]


def test_odd_and_broken_markup_does_not_fail():
    html = (
        "<p>Unclosed <b>bold <i>both</p><li>Loose item</li></p></div></table>"
        "<p>Control\x00 char\x0b and \ufffe gone</p><td>Stray cell</td><p>&amp; &lt;tag&gt; &#x1F600;</p>"
    )

    document = read(html)

    texts = [text for _, text in paragraphs(document)]
    assert texts[0] == "Unclosed bold both"
    assert ("List Bullet", "Loose item") in paragraphs(document)
    assert "Control char and gone" in texts
    assert "& <tag> 😀" in texts


def test_very_deep_nesting_is_read_as_text():
    html = "<div>" * 5_000 + "Deep text" + "</div>" * 5_000 + "<table><tr><td>" * 300 + "Deep cell"

    document = read(html)

    assert paragraphs(document)[0] == ("Normal", "Deep text")
    assert "Deep cell" in document.element.body.xml


def test_long_words_right_to_left_text_and_emoji_survive():
    long_word = "Safeguarding" * 200
    document = read(
        f'<p>{long_word}</p><p dir="rtl">مراجعة الأقران</p><p>שלום עולם</p><p>Family 👨‍👩‍👧 and flags 🇬🇧</p>'
    )

    arabic, hebrew = document.paragraphs[1], document.paragraphs[2]
    assert document.paragraphs[0].text == long_word
    assert arabic.text == "مراجعة الأقران"
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    assert arabic.runs[0].font.rtl is True
    assert hebrew._p.pPr.find(qn("w:bidi")) is not None
    assert document.paragraphs[3].text == "Family 👨‍👩‍👧 and flags 🇬🇧"


@pytest.mark.parametrize("html", ["", "   ", "<p></p>", "<script>only</script>", "<svg></svg>"])
def test_empty_input_gives_an_empty_document(html):
    document = read(html)

    assert [p.text for p in document.paragraphs if p.text.strip()] == []
    assert document.tables == []


def test_a_title_with_characters_xml_cannot_hold_is_cleaned():
    document = read("<p>x</p>", title="Letter\x00 one\x1f")

    assert document.core_properties.title == "Letter one"
