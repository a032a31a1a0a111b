"""The words and layout of the course's two completion documents (one page of A4 each):

* the certificate an instructor issues from the gradebook (``mld certificates``, in
  grading/certificates.py, which also makes and checks its verification code);
* the statement of completion a self-study trainee writes from their own answers files,
  which says plainly that it is self-assessed.

Both are documents.Document, so they are written as PDF (fpdf2, DejaVu Sans: é, ñ, ç print)
and HTML. The words are here, in the package catalog, in the trainee's language.
"""

from __future__ import annotations

from datetime import date

from .documents import Document
from .home import TITLES
from .i18n import _, language
from .numbers import show

COURSE = "Migration and Local Development"  # the course's name: a title, not translated here


def long_date(day: date) -> str:
    """5 December 2026 as the language writes it (CLDR, through Babel)."""
    from babel.dates import format_date

    try:
        return format_date(day, format="long", locale=language())
    except (ValueError, LookupError):
        return day.isoformat()


def _score(score: float, possible: float) -> str:
    share = 100 * score / possible if possible else 0.0
    return _("{score} of {possible} points ({share}%)").format(
        score=show(round(score, 2)), possible=show(round(possible, 2)), share=show(round(share)))


def certificate_document(name: str, modules: list[tuple[str, float, float]], issued: date,
                         code: str) -> Document:
    """The class certificate: modules are (module, score, possible) from the gradebook."""
    doc = Document(_("Certificate of completion"),
                   subtitle=_("Migration and Local Development, an open e-course"))
    doc.paragraph(_("This certifies that {name} has completed the following modules of the "
                    "course, marked by the course's instructors:").format(name=name))
    doc.table([_("Module"), _("Score")],
              [[_(TITLES.get(module, module)), _score(score, possible)]
               for module, score, possible in modules])
    doc.paragraph(_("Issued on {date}.").format(date=long_date(issued)))
    doc.heading(_("Verification"))
    doc.paragraph(_("Verification code: {code}").format(code=code))
    doc.paragraph(_("The instructors can check this code against the course's gradebook with "
                    "the command: mld certificates verify {code}").format(code=code))
    return doc


def statement_document(name: str, modules: list[tuple[str, float, float]], written: date,
                       threshold: float) -> Document:
    """The self-study statement: modules are (module, points scored, possible), from the
    trainee's own answers files. It says that nobody else checked it."""
    doc = Document(_("Statement of completion (self-assessed)"),
                   subtitle=_("Migration and Local Development, an open e-course"))
    who = name.strip() or _("The learner")
    doc.paragraph(_("{name} states that they have worked through the following modules of "
                    "the self-study version of the course, and scored at least {share}% of "
                    "the points of each with its “Check my answer” buttons:").format(
        name=who, share=show(round(threshold * 100))))
    doc.table([_("Module"), _("Score")],
              [[_(TITLES.get(module, module)), _score(score, possible)]
               for module, score, possible in modules])
    doc.paragraph(_("Written on {date}.").format(date=long_date(written)))
    doc.heading(_("Self-assessed"))
    doc.paragraph(_("This statement is self-assessed: the scores were computed on the "
                    "learner's own computer from their own answers, and no instructor or "
                    "institution has checked them. It is not a certificate."))
    return doc
