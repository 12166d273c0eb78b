"""HTML to a Word document: one converter for every document the product offers as DOCX.

It reads the HTML the product renders (a letter's sanitised body, a report's pages) with the standard library's
parser and writes Word's own structures: headings, paragraphs, bulleted and numbered lists (nested), bold, italic
and links, line breaks, tables with a header row, figures with their captions. Pictures and charts drawn in SVG,
scripts, styles and anything marked `data-docx="skip"` are left out. Markup it does not know is read for its text.
"""

import re
import unicodedata
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from io import BytesIO

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.simpletypes import ST_Merge
from docx.shared import RGBColor
from docx.table import _Cell
from docx.text.run import Run

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"
# Deeper nesting than this is read as text of the element at this depth, so no input can exhaust the stack.
MAX_DEPTH = 60
MAX_LIST_LEVEL = 3
LINK_PREFIXES = ("https://", "http://", "mailto:")

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
SKIPPED = frozenset({"svg", "script", "style", "template", "head", "title", "noscript", "button", "select", "math"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote", "figure", "pre"}
    | set(HEADINGS)
    | {"ul", "ol", "li", "table", "figcaption", "dl", "dt", "dd", "hr", "caption", "body", "html"}
)
# A start tag of the key closes an open tag of the value's set when nothing in `stop` lies between them.
IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "thead": ({"thead", "tbody", "tr", "td", "th"}, {"table"}),
    "tbody": ({"thead", "tbody", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tr", "td", "th"}, {"table"}),
}
# Characters XML 1.0 cannot hold: control characters other than tab and newlines, surrogates, U+FFFE and U+FFFF.
_LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SPACES = re.compile(r"[ \t\n\r\f]+")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    @property
    def skipped(self) -> bool:
        return self.tag in SKIPPED or self.attrs.get("data-docx") == "skip" or "hidden" in self.attrs


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the HTML: unknown end tags are ignored and the common implied ends are applied."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def _close_implied(self, tag: str) -> None:
        closes, stop = IMPLIED_END.get(tag, (set(), set()))
        if tag in BLOCKS - {"li", "dt", "dd", "td", "th", "tr"}:
            closes, stop = closes | {"p"}, stop | {"td", "th", "li", "div", "blockquote", "figure"}
        for index in range(len(self.stack) - 1, 0, -1):
            open_tag = self.stack[index].tag
            if open_tag in closes:
                del self.stack[index:]
                return
            if open_tag in stop:
                return

    def handle_starttag(self, tag: str, attrs) -> None:
        if len(self.stack) > MAX_DEPTH:
            if tag == "br":
                self.stack[-1].children.append("\n")
            return
        self._close_implied(tag)
        node = Node(tag, {name: value or "" for name, value in attrs})
        parent = self.stack[-1]
        parent.children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag and len(self.stack) > 1:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass(frozen=True)
class Style:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    subscript: bool = False
    superscript: bool = False
    monospace: bool = False
    preformatted: bool = False
    rtl: bool = False


INLINE_STYLE = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "th": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "cite": {"italic": True},
    "u": {"underline": True},
    "ins": {"underline": True},
    "sub": {"subscript": True},
    "sup": {"superscript": True},
    "code": {"monospace": True},
    "kbd": {"monospace": True},
    "samp": {"monospace": True},
}


def _clean_text(text: str) -> str:
    return NOT_XML.sub("", text)


def _is_rtl(text: str) -> bool:
    """Whether the first letter with a strong direction is written right to left (Hebrew, Arabic and so on)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in {"R", "AL"}:
            return True
        if direction == "L":
            return False
    return False


def _text_of(node: "Node | str") -> str:
    if isinstance(node, str):
        return node
    if node.skipped:
        return ""
    if node.tag == "br":
        return "\n"
    return "".join(_text_of(child) for child in node.children)


class _Paragraph:
    """Writes runs into one Word paragraph, collapsing white space as a browser would."""

    def __init__(self, paragraph, *, preformatted: bool = False) -> None:
        self.paragraph = paragraph
        self.after_space = True
        self.has_text = False
        self.preformatted = preformatted

    def text(self, text: str, style: Style, link: str | None = None, parent=None) -> None:
        text = _clean_text(text)
        if not self.preformatted and not style.preformatted:
            text = SPACES.sub(" ", text)
            if self.after_space:
                text = text.lstrip(" ")
            if not text:
                return
            self.after_space = text.endswith(" ")
        if not text:
            return
        self.has_text = self.has_text or bool(text.strip())
        if parent is not None:
            element = OxmlElement("w:r")
            parent.append(element)
            run = Run(element, self.paragraph)
            run.text = text
            run.font.underline = True
            run.font.color.rgb = _LINK_COLOUR
        else:
            run = self.paragraph.add_run(text)
        _format(run, style, text)
        if _is_rtl(text):
            self.set_rtl()

    def line_break(self) -> None:
        self.paragraph.add_run().add_break(WD_BREAK.LINE)
        self.after_space = True

    def set_rtl(self) -> None:
        properties = self.paragraph._p.get_or_add_pPr()
        if properties.find(qn("w:bidi")) is None:
            properties.append(OxmlElement("w:bidi"))


def _format(run: Run, style: Style, text: str) -> None:
    font = run.font  # a new run has no properties: set only those that apply
    if style.bold:
        font.bold = True
    if style.italic:
        font.italic = True
    if style.underline:
        font.underline = True
    if style.subscript:
        font.subscript = True
    if style.superscript:
        font.superscript = True
    if style.monospace or style.preformatted:
        font.name = "Courier New"
    if style.rtl or _is_rtl(text):
        font.rtl = True


class _Writer:
    def __init__(self, document) -> None:
        self.document = document
        self._style_ids: dict[str, str] = {}

    # Blocks

    def styled_paragraph(self, container, style_name: str):
        """A new paragraph in a named style. The style's id is looked up once per document: python-docx looks
        it up by name on every assignment, which is slow enough to matter in a long report."""
        if style_name not in self._style_ids:
            self._style_ids[style_name] = self.document.styles[style_name].style_id
        paragraph = container.add_paragraph()
        paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = self._style_ids[style_name]
        return paragraph

    def flow(self, nodes: list["Node | str"], container, style: Style, depth: int = 0) -> None:
        """Block content into a container (the document body or a table cell): loose inline content and text
        between blocks become paragraphs of their own."""
        pending: list[Node | str] = []
        for node in nodes:
            if isinstance(node, Node) and node.skipped:
                continue
            if isinstance(node, Node) and node.tag in BLOCKS:
                self.loose(pending, container, style)
                pending = []
                self.block(node, container, style, depth)
            else:
                pending.append(node)
        self.loose(pending, container, style)

    def loose(self, nodes: list["Node | str"], container, style: Style) -> None:
        if not any(_text_of(node).strip() for node in nodes):
            return
        writer = _Paragraph(container.add_paragraph())
        for node in nodes:
            self.inline(node, writer, style)

    def block(self, node: Node, container, style: Style, depth: int) -> None:
        tag = node.tag
        style = replace(style, rtl=style.rtl or node.attrs.get("dir", "").lower() == "rtl")
        if tag in HEADINGS:
            self.paragraph(node, self.styled_paragraph(container, f"Heading {HEADINGS[tag]}"), style)
        elif tag == "p" or tag == "dt" or tag == "dd":
            self.paragraph(node, container.add_paragraph(), style)
        elif tag == "pre":
            self.paragraph(node, container.add_paragraph(), replace(style, preformatted=True))
        elif tag in {"ul", "ol"}:
            self.list(node, container, style, level=1, depth=depth)
        elif tag == "li":  # a list item outside any list
            self.list(Node("ul", children=[node]), container, style, level=1, depth=depth)
        elif tag == "table":
            self.table(node, container, style, depth)
        elif tag in {"figcaption", "caption"}:
            self.paragraph(node, container.add_paragraph(), replace(style, italic=True))
        elif tag == "hr":
            return
        else:
            self.flow(node.children, container, style, depth + 1)

    def paragraph(self, node: Node, paragraph, style: Style) -> _Paragraph:
        writer = _Paragraph(paragraph, preformatted=style.preformatted)
        if style.rtl:
            writer.set_rtl()
        for child in node.children:
            self.inline(child, writer, style)
        return writer

    def list(self, node: Node, container, style: Style, *, level: int, depth: int) -> None:
        kind = "List Number" if node.tag == "ol" else "List Bullet"
        style_name = kind if level == 1 else f"{kind} {min(level, MAX_LIST_LEVEL)}"
        numbering = self.restarted_numbering(style_name) if node.tag == "ol" else None
        for item in node.children:
            if isinstance(item, str):
                if not item.strip():
                    continue
                item = Node("li", children=[item])
            if item.skipped:
                continue
            if item.tag in {"ul", "ol"}:  # a list straight inside a list: one level deeper
                self.list(item, container, style, level=level + 1, depth=depth + 1)
                continue
            paragraph = self.styled_paragraph(container, style_name)
            if numbering is not None:
                _number(paragraph, numbering)
            writer = _Paragraph(paragraph)
            nested = []
            for child in item.children if item.tag == "li" else [item]:
                if isinstance(child, Node) and child.tag in {"ul", "ol"}:
                    nested.append(child)
                elif isinstance(child, Node) and child.tag == "p" and writer.has_text:
                    writer.line_break()
                    self.inline(child, writer, style)
                else:
                    self.inline(child, writer, style)
            for child in nested:
                self.list(child, container, style, level=level + 1, depth=depth + 1)

    def restarted_numbering(self, style_name: str) -> str | None:
        """A fresh numbering instance for a numbered list, so each list starts again at 1."""
        properties = self.document.styles[style_name].element.pPr
        num_pr = properties.numPr if properties is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        existing = numbering.num_having_numId(num_pr.numId.val)
        num = numbering.add_num(existing.abstractNumId.val)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return str(num.numId)

    def table(self, node: Node, container, style: Style, depth: int) -> None:
        captions, rows = [], []
        self._rows(node, rows, captions, in_head=False)
        for caption in captions:
            self.block(caption, container, style, depth)
        rows = [row for row in rows if row[1]]
        if not rows:
            return
        placed = _place_cells(rows)
        columns = max((column + 1 for row in placed for column, _, _ in row), default=1)
        table = container.add_table(rows=len(rows), cols=columns)
        table.style = self.document.styles["Table Grid"]
        # The grid once: asking the table for each cell walks every cell again, quadratic in a long table.
        grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        for row_index, (is_head, cells) in enumerate(rows):
            header = is_head or (row_index == 0 and all(cell.tag == "th" for cell in cells))
            if header:
                properties = table.rows[row_index]._tr.get_or_add_trPr()
                properties.append(OxmlElement("w:tblHeader"))
            for column, cell, span in placed[row_index]:
                target = grid[row_index][column]
                if span > 1:  # a cell spanning rows (rowspan) is merged down; the rows below keep an empty cell
                    target._tc.vMerge = ST_Merge.RESTART
                    for below in range(row_index + 1, min(row_index + span, len(rows))):
                        grid[below][column]._tc.vMerge = ST_Merge.CONTINUE
                cell_style = replace(style, bold=style.bold or header or cell.tag == "th")
                if depth >= MAX_DEPTH // 2:
                    self.loose([_text_of(cell)], target, cell_style)
                else:
                    self.flow(cell.children, target, cell_style, depth + 1)
                _drop_leading_empty_paragraph(target)

    def _rows(self, node: Node, rows: list, captions: list, *, in_head: bool) -> None:
        for child in node.children:
            if isinstance(child, str):
                if child.strip():  # text loose in a table goes before it, as browsers show it
                    captions.append(Node("p", children=[child]))
                continue
            if child.skipped:
                continue
            if child.tag == "caption":
                captions.append(child)
            elif child.tag in {"thead", "tbody", "tfoot"}:
                self._rows(child, rows, captions, in_head=child.tag == "thead")
            elif child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, Node) and c.tag in {"td", "th"} and not c.skipped]
                loose = [c for c in child.children if isinstance(c, str) and c.strip()]
                captions.extend(Node("p", children=[text]) for text in loose)
                rows.append((in_head, cells))

    # Inline content

    def inline(self, node: "Node | str", writer: _Paragraph, style: Style, link=None) -> None:
        if isinstance(node, str):
            writer.text(node, style, parent=link)
            return
        if node.skipped:
            return
        tag = node.tag
        if tag == "br":
            writer.line_break()
            return
        if tag == "img":
            alt = node.attrs.get("alt", "").strip()
            if alt:
                writer.text(f" [{alt}] ", style, parent=link)
            return
        if tag == "a" and link is None:
            href = _clean_text(node.attrs.get("href", "").strip())
            if href.lower().startswith(LINK_PREFIXES):
                link = self.hyperlink(writer.paragraph, href)
        style = replace(style, **INLINE_STYLE.get(tag, {}))
        if node.attrs.get("dir", "").lower() == "rtl":
            style = replace(style, rtl=True)
        if tag == "pre":
            style = replace(style, preformatted=True)
        for child in node.children:
            self.inline(child, writer, style, link)
        if tag in {"td", "th", "li", "dd", "dt"} or tag in HEADINGS or tag in {"p", "div", "tr"}:
            writer.text(" ", style, parent=link)

    def hyperlink(self, paragraph, href: str):
        relationship = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        element = OxmlElement("w:hyperlink")
        element.set(qn("r:id"), relationship)
        paragraph._p.append(element)
        return element


def _place_cells(rows: list) -> list[list[tuple[int, "Node", int]]]:
    """Each row's cells with the column each starts in and the rows it spans, leaving room for cells above that
    span down into the row (rowspan), as browsers lay them out."""
    placed, covered = [], {}  # covered: column -> rows still to skip
    for _, cells in rows:
        row, column = [], 0
        for cell in cells:
            while covered.get(column, 0) > 0:
                column += 1
            try:
                span = max(1, min(int(cell.attrs.get("rowspan", "1")), len(rows)))
            except ValueError:
                span = 1
            row.append((column, cell, span))
            if span > 1:
                covered[column] = span
            column += 1
        placed.append(row)
        covered = {column: left - 1 for column, left in covered.items() if left > 1}
    return placed


def _number(paragraph, num_id: str) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = int(num_id)


def _drop_leading_empty_paragraph(cell) -> None:
    """A new cell holds one empty paragraph; once content follows it, it is only a blank line."""
    paragraphs = cell.paragraphs
    if len(cell._tc.xpath("./w:p | ./w:tbl")) > 1 and paragraphs and not paragraphs[0]._p.xpath(".//w:t"):
        first = paragraphs[0]._p
        if first is cell._tc.xpath("./w:p | ./w:tbl")[0]:
            cell._tc.remove(first)


def _set_language(document, language: str) -> None:
    document.core_properties.language = language
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:bidi"), "ar-SA")


def html_to_docx(html: str, *, title: str, language: str = LANGUAGE) -> bytes:
    """A Word document of `html`, with `title` as its document title and British English as its language."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    document = Document()
    document.core_properties.title = _clean_text(title)[:255]
    _set_language(document, language)
    _Writer(document).flow(builder.root.children, document, Style())
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
