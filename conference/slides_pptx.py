"""The feedback presentation written as a PowerPoint file with python-pptx, from the slides of presentation.py."""

import io

from pptx import Presentation
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .presentation import Slide, is_right_to_left

TITLE_SIZE = Pt(36)
LONG_TITLE_SIZE = Pt(28)
HEADING_SIZE = Pt(28)
BODY_SIZE = Pt(24)

WIDE = Emu(12192000)  # 13.333 inches: 16:9 at the template's 7.5 inches high
TEMPLATE_WIDTH = Emu(9144000)


def _widen(prs) -> None:
    """Make the default 4:3 template 16:9, stretching its master and layouts so new slides fit too."""
    scale = WIDE / TEMPLATE_WIDTH
    prs.slide_width = WIDE
    # Read every position first: a layout's placeholder inherits the master's until it is given its own.
    shapes = [shape for holder in [prs.slide_master, *prs.slide_layouts] for shape in holder.shapes]
    frames = [(shape, shape.left, shape.width) for shape in shapes if shape.left is not None]
    for shape, left, width in frames:
        shape.left, shape.width = Emu(round(left * scale)), Emu(round(width * scale))


def _place_content_layout(prs) -> None:
    """The title across the top and the body below it, the full width of the slide, less its margins."""
    layout = prs.slide_layouts[1]
    title, body = layout.placeholders.get(idx=0), layout.placeholders.get(idx=1)
    title.left, title.top, title.width, title.height = Inches(0.6), Inches(0.35), Inches(12.13), Inches(1.0)
    body.left, body.top, body.width, body.height = Inches(0.6), Inches(1.5), Inches(12.13), Inches(5.6)


def _make_room_for_title(title, body, lines: int) -> None:
    """A title over several lines pushes the body down by as much, the body's room shrinking with it."""
    title.left, title.top, title.width = Inches(0.6), Inches(0.35), Inches(12.13)
    title.height = Inches(0.2) + Inches(0.47) * lines
    top = title.top + title.height + Inches(0.15)
    body.left, body.top, body.width, body.height = Inches(0.6), top, Inches(12.13), Inches(7.1) - top


def _paragraph_direction(paragraph, text: str) -> None:
    if is_right_to_left(text):
        paragraph._p.get_or_add_pPr().set("rtl", "1")
        paragraph.alignment = PP_ALIGN.RIGHT


def _bullet(paragraph, *, none: bool = False, start: int = 0) -> None:
    pPr = paragraph._p.get_or_add_pPr()
    for tag in ("a:buNone", "a:buAutoNum", "a:buChar"):
        for old in pPr.findall(qn(tag)):
            pPr.remove(old)
    if none:
        pPr.set("marL", "0")
        pPr.set("indent", "0")
        pPr.append(pPr.makeelement(qn("a:buNone"), {}))
    elif start:
        pPr.append(pPr.makeelement(qn("a:buAutoNum"), {"type": "arabicPeriod", "startAt": str(start)}))


def _add_run(paragraph, text: str, *, size, bold: bool = False) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.size = size
    run.font.bold = bold
    if not is_right_to_left(text):
        run.font.language_id = MSO_LANGUAGE_ID.ENGLISH_UK
    _paragraph_direction(paragraph, text)


def _fill_body(frame, slide: Slide) -> None:
    frame.word_wrap = True
    first = True

    def paragraph():
        nonlocal first
        if first:
            first = False
            return frame.paragraphs[0]
        return frame.add_paragraph()

    if slide.text:
        p = paragraph()
        _bullet(p, none=True)
        _add_run(p, slide.text, size=BODY_SIZE)
    for block in slide.blocks:
        if block.heading:
            p = paragraph()
            _bullet(p, none=True)
            p.space_before = Pt(6)
            _add_run(p, block.heading, size=HEADING_SIZE, bold=True)
        for item in block.items:
            p = paragraph()
            _bullet(p, start=block.start)
            p.space_before = Pt(4)
            _add_run(p, item, size=BODY_SIZE)


def write_pptx(context: dict) -> bytes:
    """The deck as a PowerPoint file: every slide with its title in the title placeholder, text in the body's."""
    prs = Presentation()
    _widen(prs)
    _place_content_layout(prs)
    prs.core_properties.title = context["deck_title"]
    prs.core_properties.language = "en-GB"
    prs.core_properties.subject = "Children's safeguarding peer review: feedback presentation"
    title_layout, content_layout = prs.slide_layouts[0], prs.slide_layouts[1]
    for slide in context["slides"]:
        page = prs.slides.add_slide(title_layout if slide.is_title else content_layout)
        title, body = page.shapes.title, page.placeholders[1]
        title.text_frame.word_wrap = True
        title.text_frame.text = ""
        if slide.is_title:
            size = TITLE_SIZE + Pt(8)
        elif slide.long_title:
            size = LONG_TITLE_SIZE
            _make_room_for_title(title, body, slide.title_lines)
        else:
            size = TITLE_SIZE
        _add_run(title.text_frame.paragraphs[0], slide.title, size=size)
        if slide.is_title:
            body.text_frame.word_wrap = True
            for index, line in enumerate(slide.subtitle):
                p = body.text_frame.paragraphs[0] if index == 0 else body.text_frame.add_paragraph()
                _add_run(p, line, size=BODY_SIZE + Pt(4))
        else:
            _fill_body(body.text_frame, slide)
        if slide.notes:
            page.notes_slide.notes_text_frame.text = slide.notes
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
