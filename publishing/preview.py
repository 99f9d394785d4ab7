"""C1: a circular's preview on the desk, read back from its .docx: what the office sees is
what the document says, word for word (the draft made now, or the document as issued),
never a second telling of the figures that could drift from publishing.documents.

The document is read into plain values the template escapes: paragraphs with their
alignment and their kind of font (the title, a heading, a sub-heading, the body), and
tables of rows of cells, each cell its lines.
"""

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from publishing import documents

P, T, BR, TBL, TR, TC = (qn(f"w:{tag}") for tag in ("p", "t", "br", "tbl", "tr", "tc"))
# The kind of a paragraph, from the East Asian font of its first run (documents.py sets
# one on every run).
KINDS = {
    documents.TITLE_FONT: "title",
    documents.HEADING_FONT: "heading",
    documents.SUBHEADING_FONT: "subheading",
}
ALIGNS = {
    WD_ALIGN_PARAGRAPH.CENTER: "centre",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
}


@dataclass(frozen=True)
class Line:
    text: str
    kind: str  # title, heading, subheading or body
    align: str  # centre, right or "" (justified, flush left)
    indent: bool  # a first line indented two characters
    red: bool  # the issuing office's name at the head (发文机关标志)
    ruled: bool  # the red rule under it

    is_table = False


@dataclass(frozen=True)
class Grid:
    header: tuple  # the header row's cells, each a tuple of lines
    rows: tuple

    is_table = True


def read(content):
    """The body of the .docx `content`, in order: [Line | Grid], empty lines left out."""
    document = Document(io.BytesIO(content))
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == P:
            paragraph = Paragraph(child, document)
            if _text(child).strip():
                blocks.append(_line(paragraph))
        elif child.tag == TBL:
            blocks.append(_grid(child))
    return blocks


def _text(p):
    """A paragraph's text, its line breaks as newlines, read from the XML in one pass
    (python-docx's Paragraph.text asks an XPath of each run: a second for 400 rows)."""
    parts = []
    for node in p.iter(T, BR):
        if node.tag == T:
            parts.append(node.text or "")
        elif node.get(qn("w:type"), "textWrapping") == "textWrapping":  # not a page break
            parts.append("\n")
    return "".join(parts)


def _line(paragraph):
    first = paragraph.runs[0] if paragraph.runs else None
    fonts = first._r.rPr.rFonts if first is not None and first._r.rPr is not None else None
    east_asian = fonts.get(qn("w:eastAsia")) if fonts is not None else None
    properties = paragraph._p.pPr
    return Line(
        text=_text(paragraph._p),
        kind=KINDS.get(east_asian, "body"),
        align=ALIGNS.get(paragraph.alignment, ""),
        indent=bool(paragraph.paragraph_format.first_line_indent),
        red=first is not None and first.font.color.rgb == documents.RED,
        ruled=properties is not None and properties.find(qn("w:pBdr")) is not None,
    )


def _grid(table):
    """A table's rows of cells, each cell the tuple of its lines (documents.py merges none)."""
    rows = [
        tuple(
            tuple(text for p in cell.iterchildren(P) if (text := _text(p)).strip())
            for cell in row.iterchildren(TC)
        )
        for row in table.iterchildren(TR)
    ]
    return Grid(header=rows[0] if rows else (), rows=tuple(rows[1:]))
