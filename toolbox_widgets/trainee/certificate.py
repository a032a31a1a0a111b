"""The words and the page of the course's two completion documents (one page of A4
landscape each, made to be printed, framed or attached to a CV):

* the certificate an instructor issues from the gradebook (``mld certificates``, in
  grading/certificates.py, which decides who gets one and makes and checks its
  verification code);
* the statement of completion a self-study trainee writes from their own answers files,
  which says plainly that it is self-assessed and carries no code.

Both say what the scores show and no more: the pass mark each module reached, never
"with success". Both say honestly what the course is: an open course that follows the
ITC-ILO and IOM e-toolbox, not one of their certificates (and no organisation's logo).
The words are here, in the package catalog, in the trainee's language; fpdf2 writes the
page in DejaVu (é, ñ, ç print).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .home import TITLES
from . import i18n
from .i18n import _, language
from .numbers import show

COURSE = "Migration and Local Development"  # the course's name in the register (English)

# The page: A4 landscape, in mm.
WIDTH, HEIGHT = 297, 210
SIDE = 32  # the text's margin, left and right
INK = (33, 37, 41)
ACCENT = (31, 64, 104)  # the border, the title, the rules: a dark blue, not a logo's colour
GREY = (90, 90, 90)


def long_date(day: date) -> str:
    """5 December 2026 as the trainee's language writes it (i18n.long_date, through Babel)."""
    return i18n.long_date(day, language())


def _score(score: float, possible: float) -> str:
    share = 100 * score / possible if possible else 0.0
    return _("{score} of {possible} points ({share}%)").format(
        score=show(round(score, 2)), possible=show(round(possible, 2)), share=show(round(share)))


def _rows(modules: list[tuple[str, float, float]]) -> list[list[str]]:
    return [[_(TITLES.get(module, module)), _score(score, possible)]
            for module, score, possible in modules]


def _about_the_course() -> str:
    return _("Migration and Local Development is an open course that follows the structure "
             "of the My JMDI e-Toolbox on Migration and Local Development (ITC-ILO and IOM, "
             "for the UN Joint Migration and Development Initiative). This document is not "
             "issued by the ITC-ILO, IOM or the JMDI.")


@dataclass
class CompletionPage:
    """One certificate or statement: every word already in the trainee's language."""

    title: str
    lead: str  # the words before the name
    name: str
    body: str  # the words after the name, before the modules
    rows: list[list[str]]  # [module, score]
    dated: str  # "Issued on 5 December 2026."
    issuer_label: str = ""
    issuer: str = ""
    code_line: str = ""  # the verification code, and how to verify it
    note: str = ""  # the self-assessed statement's plain warning

    def pdf_bytes(self) -> bytes:
        return _draw(self)


def certificate_document(name: str, modules: list[tuple[str, float, float]], issued: date,
                         code: str, issuer: str, pass_share: float) -> CompletionPage:
    """The class certificate: modules are (module, score, possible) from the gradebook,
    each at or above pass_share of its points (the command leaves out anyone below)."""
    return CompletionPage(
        title=_("Certificate of completion"),
        lead=_("This certifies that"),
        name=name,
        body=_("has completed the following modules of the course and reached the pass mark "
               "of {share}% of the points in each, as marked by the course's "
               "instructors:").format(share=show(round(pass_share * 100, 1))),
        rows=_rows(modules),
        dated=_("Issued on {date}.").format(date=long_date(issued)),
        issuer_label=_("Issued by"),
        issuer=issuer,
        code_line=_("Verification code: {code}. To verify this certificate, send the code "
                    "to the issuer, who checks it against the course's gradebook with the "
                    "command mld certificates verify {code}.").format(code=code))


def statement_document(name: str, modules: list[tuple[str, float, float]], written: date,
                       threshold: float) -> CompletionPage:
    """The self-study statement: modules are (module, points scored, possible), from the
    trainee's own answers files. It says that nobody else checked it."""
    return CompletionPage(
        title=_("Statement of completion (self-assessed)"),
        lead=_("In this statement, written by the learner,"),
        name=name.strip() or _("The learner"),
        body=_("states that they have worked through the following modules of the "
               "self-study version of the course, and scored at least {share}% of the points "
               "of each with its “Check my answer” buttons:").format(
            share=show(round(threshold * 100))),
        rows=_rows(modules),
        dated=_("Written on {date}.").format(date=long_date(written)),
        note=_("This statement is self-assessed: the scores were computed on the learner's "
               "own computer from their own answers, and no instructor or institution has "
               "checked them. It is not a certificate."))


# --- the page (fpdf2, imported here only) ---------------------------------------------

def _draw(page: CompletionPage) -> bytes:
    # The words are drawn once on a scratch page to measure them, then centred between
    # the top and the foot: one module or six, the page looks composed.
    scratch = _new_pdf(page)
    used = _body(scratch, page, 0)
    pdf = _new_pdf(page)
    top, bottom = 20, HEIGHT - (62 if page.issuer else 48)
    _body(pdf, page, top + max(0, (bottom - top - used) / 2))
    _foot(pdf, page)
    return bytes(pdf.output())


def _new_pdf(page: CompletionPage):
    from fpdf import FPDF
    import matplotlib

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # one page: the words are sized to fit it
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for family, style, file in (("Sans", "", "DejaVuSans"), ("Sans", "B", "DejaVuSans-Bold"),
                                ("Serif", "", "DejaVuSerif"),
                                ("Serif", "B", "DejaVuSerif-Bold"),
                                ("Serif", "I", "DejaVuSerif-Italic")):
        pdf.add_font(family, style, str(fonts / f"{file}.ttf"))
    pdf.set_title(page.title)
    pdf.set_lang(language())
    pdf.set_creator(_("Migration and Local Development, an open e-course"))
    pdf.add_page()
    pdf.set_margins(SIDE, 20, SIDE)
    # A thin double frame.
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.rect(9, 9, WIDTH - 18, HEIGHT - 18)
    pdf.set_line_width(0.2)
    pdf.rect(11.5, 11.5, WIDTH - 23, HEIGHT - 23)
    return pdf


def _centred(pdf, text, family, style, size, height, colour=INK, fit=False):
    width = WIDTH - 2 * SIDE
    pdf.set_text_color(*colour)
    pdf.set_font(family, style, size)
    # The cell's own inner margins count: without them a title that just fits wraps.
    while fit and size > 14 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
        size -= 1  # a long name or title gets smaller, on one line, rather than wrap
        pdf.set_font(family, style, size)
    pdf.set_x(SIDE)
    pdf.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _body(pdf, page: CompletionPage, top: float) -> float:
    """The words from the course's name to the note about the course; returns their
    height."""
    from fpdf.fonts import FontFace

    pdf.set_y(top)
    _centred(pdf, _("Migration and Local Development, an open e-course").upper(), "Sans", "",
             8.5, 4.5, ACCENT)
    pdf.ln(3)
    _centred(pdf, page.title, "Serif", "B", 28, 12, ACCENT, fit=True)
    pdf.ln(4)
    _centred(pdf, page.lead, "Serif", "I", 12, 6)
    pdf.ln(1.5)
    _centred(pdf, page.name, "Serif", "B", 26, 12, INK, fit=True)
    y = pdf.get_y() + 1
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.3)
    pdf.line(WIDTH / 2 - 45, y, WIDTH / 2 + 45, y)
    pdf.ln(4)
    _centred(pdf, page.body, "Serif", "", 11, 5.5)
    pdf.ln(3)
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "", 9)
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    with pdf.table(width=200, col_widths=(3, 1.35), align="CENTER", line_height=5,
                   padding=(1, 2), text_align=("LEFT", "RIGHT"),
                   borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(family="Sans", emphasis="BOLD",
                                           color=ACCENT)) as table:
        table.row([_("Module"), _("Score")])
        for row in page.rows:
            table.row(row)
    pdf.ln(3)
    if page.note:
        _centred(pdf, page.note, "Sans", "B", 9, 4.5)
        pdf.ln(1.5)
    _centred(pdf, _about_the_course(), "Sans", "", 7.5, 3.6, GREY)
    return pdf.get_y() - top


def _foot(pdf, page: CompletionPage) -> None:
    """The date on the left and who issued it on the right, over a rule as a signature
    line; the verification code under both. A statement has its date alone, centred."""
    column = 125
    line = HEIGHT - 56
    if not page.issuer:
        pdf.set_y(HEIGHT - 36)
        _centred(pdf, page.dated, "Serif", "", 10.5, 5)
        return
    pdf.set_text_color(*INK)
    pdf.set_font("Serif", "", 10.5)
    pdf.set_xy(SIDE, line + 1)
    pdf.multi_cell(column, 5, page.dated, align="L")
    left = WIDTH - SIDE - column
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.3)
    pdf.line(left, line, WIDTH - SIDE, line)
    pdf.set_xy(left, line + 1)
    pdf.set_font("Serif", "B", 10.5)
    pdf.multi_cell(column, 5, page.issuer, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("Sans", "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(column, 4, page.issuer_label, align="C")
    if page.code_line:
        pdf.set_xy(SIDE, HEIGHT - 30)
        pdf.set_font("Sans", "", 7.5)
        pdf.multi_cell(WIDTH - 2 * SIDE, 3.6, page.code_line, align="C")
