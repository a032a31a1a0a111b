"""One document written twice: as a self-contained HTML file and as a PDF.

The course's tools hand a trainee something to keep: a migration profile today, an action
plan or a certificate later. Each is a short list of blocks::

    doc = Document(_("Migration profile: Senegal"), subtitle=_("Made on 2026-12-05"))
    doc.heading(_("Key figures"))
    doc.table([_("Indicator"), _("Value")], [[_("Immigrants"), "2.9 million"]])
    doc.charts([(Chart("line", [1990, 2024], {_("Emigrants"): [0.4, 0.9]},
                       title=_("Emigrants"), y_title=_("Millions")), words)])
    doc.bullets([_("A stock is not a flow.")])
    doc.prompt(_("Module 1"), _("Which figures matter most in your territory?"))
    doc.own_words(answer)  # the author's own text: the main text, line breaks kept
    doc.note(_("Nothing written yet."))
    doc.sources([_("UN DESA (2024). International Migrant Stock 2024.")])
    html_file = doc.write_html(folder, "profile_senegal")
    pdf_file = doc.write_pdf(folder, "profile_senegal")

Every chart carries its words (the same information as text), printed under it in both
files. Charts are drawn with matplotlib, as vectors: inline SVG in the HTML (no script,
nothing fetched, opens offline in any browser), embedded in the PDF. fpdf2 writes the PDF
(pure Python) in DejaVu Sans, the font matplotlib ships, so é, ñ, ç, ’ and “ ” print.
Both libraries are imported only when a file is written, never when a notebook imports
the course: a trainee's Run All does not wait for them.

A document written by the trainee (the action plan) is read at ``size=10``: their words
at that size, the prompts and notes smaller and grey; the profile's dense tables use 8.
Page numbers ("2 / 3") are printed when the PDF has more than one page, and the subtitle
heads every page after the first. A document made to fit one page (the profile,
``fit_pages=1``) shrinks its text and charts a little when a longer language pushes it over.

Files are never overwritten: ``profile_senegal.pdf`` exists, so the next one is
``profile_senegal-2.pdf``, and the caller tells the trainee the name.
"""

from __future__ import annotations

import html
import io
import logging
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .i18n import _, language, localized_digits

# Okabe-Ito colours (readable with colour blindness). Lines also differ by marker and
# dashes; bars carry their values and keep the legend's order in each group; and every
# chart has its words. (No hatching: fpdf2 draws no SVG patterns.)
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINES = ("-", "--", "-.", ":", "-", "--")
FONT = "DejaVu"


@dataclass
class Chart:
    """A bar or line chart: one value per category in each series.

    kind "bar" (grouped vertical bars), "barh" (horizontal bars) or "line";
    ``series`` maps each series' name (shown in the legend) to its values, None where
    a value is missing."""

    kind: str
    categories: list
    series: dict[str, list]
    title: str = ""
    x_title: str = ""
    y_title: str = ""
    value_format: str = "{:,.1f}"  # the labels on bars

    def __post_init__(self):
        if self.kind not in ("bar", "barh", "line"):
            raise ValueError(f"Chart kind must be 'bar', 'barh' or 'line', not {self.kind!r}.")
        for name, values in self.series.items():
            if len(values) != len(self.categories):
                raise ValueError(f"Series {name!r} has {len(values)} values for "
                                 f"{len(self.categories)} categories.")


@dataclass
class Document:
    """A title, a subtitle and blocks in order; see the module's docstring. `size` is the
    body text's size in points in the PDF (headings and lists scale with it)."""

    title: str
    subtitle: str = ""
    blocks: list = field(default_factory=list)
    size: float = 8.0
    fit_pages: int = 0  # if set, the PDF shrinks a little (to 80 %) to fit in that many

    def heading(self, text: str) -> None:
        self.blocks.append(("heading", text))

    def paragraph(self, text: str) -> None:
        self.blocks.append(("paragraph", text))

    def prompt(self, label: str, text: str) -> None:
        """What prompted the words that follow (e.g. a notebook's name and its question):
        small and grey, above them."""
        self.blocks.append(("prompt", (label, text)))

    def own_words(self, text: str) -> None:
        """The author's own text, the main text of the page: at body size, as paragraphs,
        every line break kept."""
        self.blocks.append(("own_words", text))

    def note(self, text: str) -> None:
        """A short grey line about the document rather than its content."""
        self.blocks.append(("note", text))

    def bullets(self, items: list[str]) -> None:
        self.blocks.append(("bullets", list(items)))

    def table(self, headers: list[str], rows: list[list], caption: str = "") -> None:
        """Cells are shown as given: format numbers before (numbers.show)."""
        self.blocks.append(("table", (list(headers), [[str(c) for c in r] for r in rows],
                                      caption)))

    def charts(self, charts: list[tuple[Chart, str]], aspect: float = 0.0) -> None:
        """One or two charts side by side, each with its words; `aspect` is the height
        over the width of each (by default 0.5 for two charts, 0.3 for one)."""
        for chart, words in charts:
            if not words or not words.strip():
                raise ValueError(f"Chart {chart.title!r} needs its words (a text alternative).")
        self.blocks.append(("charts", (list(charts), aspect or (0.5 if len(charts) > 1
                                                                 else 0.3))))

    def sources(self, items: list[str]) -> None:
        self.blocks.append(("sources", list(items)))

    def text(self) -> str:
        """Every word of the document, in order (for checks and screen readers)."""
        parts = [self.title, self.subtitle]
        for kind, content in self.blocks:
            if kind in ("heading", "paragraph", "own_words", "note"):
                parts.append(content)
            elif kind == "prompt":
                parts.extend(content)
            elif kind in ("bullets", "sources"):
                parts.extend(content)
            elif kind == "table":
                headers, rows, caption = content
                parts.extend([caption, *headers, *(c for r in rows for c in r)])
            else:
                for chart, words in content[0]:
                    parts.extend([chart.title, words])
        return "\n".join(p for p in parts if p)

    # --------------------------------------------------------------------------
    # The two files

    def html(self) -> str:
        """The whole HTML page: styles inline, charts as inline SVG, no script."""
        return HTML_PAGE.format(lang=html.escape(language()), title=html.escape(self.title),
                                style=HTML_STYLE, body=self.html_body())

    def html_body(self) -> str:
        out = [f"<h1>{html.escape(self.title)}</h1>"]
        if self.subtitle:
            out.append(f'<p class="subtitle">{html.escape(self.subtitle)}</p>')
        for number, (kind, content) in enumerate(self.blocks):
            if kind == "heading":
                out.append(f"<h2>{html.escape(content)}</h2>")
            elif kind == "paragraph":
                out.append(f"<p>{html.escape(content)}</p>")
            elif kind == "prompt":
                label, text = (html.escape(c) for c in content)
                out.append(f'<p class="prompt"><span class="label">{label}</span><br>{text}</p>')
            elif kind == "own_words":
                # Paragraphs at blank lines; a single line break stays one (pre-line).
                paragraphs = re.split(r"\n\s*\n", content.strip())
                out.append('<div class="own-words">' + "".join(
                    f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</div>")
            elif kind == "note":
                out.append(f'<p class="note">{html.escape(content)}</p>')
            elif kind in ("bullets", "sources"):
                items = "".join(f"<li>{_linked(item)}</li>" for item in content)
                out.append(f'<ul class="{kind}">{items}</ul>')
            elif kind == "table":
                out.append(_html_table(*content))
            else:
                figures = []
                charts, aspect = content
                width = 9.0 if len(charts) == 1 else 5.0  # inches, as on the PDF's page
                for index, (chart, words) in enumerate(charts):
                    words_id = f"chart-words-{number}-{index}"
                    svg = _svg(chart, text_as_paths=False, width=width, height=width * aspect)
                    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{words_id}" ', 1)
                    figures.append(
                        f"<figure>{svg}<figcaption id=\"{words_id}\"><strong>"
                        f"{html.escape(_('Chart in words:'))}</strong> {html.escape(words)}"
                        "</figcaption></figure>")
                out.append(f'<div class="charts">{"".join(figures)}</div>')
        return "\n".join(out)

    def pdf_bytes(self) -> bytes:
        """The PDF, A4 portrait."""
        return _pdf(self)

    def write_html(self, folder, stem: str) -> Path:
        return write_new(Path(folder), stem, ".html", self.html().encode("utf-8"))

    def write_pdf(self, folder, stem: str) -> Path:
        return write_new(Path(folder), stem, ".pdf", self.pdf_bytes())


def safe_stem(text: str) -> str:
    """A file name from words: letters, digits and hyphens ("São Tomé" → "são-tomé")."""
    stem = re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-_")
    return stem[:60] or "document"


def write_new(folder: Path, stem: str, suffix: str, content: bytes) -> Path:
    """Write `content` to folder/stem+suffix, or stem-2, stem-3 … if that exists:
    an earlier file is never overwritten ("x" mode fails rather than replace)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            with open(path, "xb") as file:
                file.write(content)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(_("There are already 999 files named {stem}: move some of them to "
                            "another folder and try again.").format(stem=stem))


# ------------------------------------------------------------------------------------
# HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""

HTML_STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #1a1a1a;
  max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #999; margin-top: 1.4rem; }
.subtitle { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { flex: 1 1 22rem; margin: 0.5rem 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 0.9rem; }
.sources { font-size: 0.85rem; color: #333; }
.prompt { font-size: 0.85rem; color: #505050; margin: 1rem 0 0.2rem; }
.prompt .label { font-weight: 600; }
.own-words { font-size: 1.05rem; margin: 0 0 0.8rem; }
.own-words p { white-space: pre-line; margin: 0 0 0.6rem; }
.note { font-size: 0.9rem; color: #505050; margin: 0.3rem 0; }
@media print { body { max-width: none; margin: 0; } figure { break-inside: avoid; } }
@page { size: A4; margin: 15mm; }
"""


def _linked(text: str) -> str:
    """Escaped text whose web addresses are links."""
    return re.sub(r"(https?://[^\s<]+[^\s<.,;)])", r'<a href="\1">\1</a>', html.escape(text))


def _html_table(headers, rows, caption) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ------------------------------------------------------------------------------------
# Charts (matplotlib, imported here only)


def _figure(chart: Chart, width: float, height: float):
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state

    # "constrained" makes room for the legend below the axes, where it hides no data.
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    labels = [str(c) for c in chart.categories]
    names = list(chart.series)
    if chart.kind == "line":
        for i, name in enumerate(names):
            points = [(x, v) for x, v in zip(chart.categories, chart.series[name])
                      if v is not None]
            axes.plot([p[0] for p in points], [p[1] for p in points], label=name,
                      color=COLOURS[i % 6], marker=MARKERS[i % 6], linestyle=LINES[i % 6],
                      linewidth=1.8, markersize=4)
        if len(labels) <= 10:  # else matplotlib picks a readable subset of years
            axes.set_xticks(list(chart.categories))
            axes.set_xticklabels(labels)
        else:
            from matplotlib.ticker import MaxNLocator
            axes.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        axes.set_ylim(bottom=0)
    else:
        width_each = 0.8 / max(len(names), 1)
        positions = range(len(labels))
        for i, name in enumerate(names):
            offsets = [p - 0.4 + width_each * (i + 0.5) for p in positions]
            values = [0 if v is None else v for v in chart.series[name]]
            draw = axes.barh if chart.kind == "barh" else axes.bar
            bars = draw(offsets, values, width_each * 0.95, label=name, color=COLOURS[i % 6])
            texts = ["–" if v is None else localized_digits(chart.value_format.format(v),
                                                              language())
                     for v in chart.series[name]]
            axes.bar_label(bars, labels=texts, fontsize=6.5, padding=1.5)
        if chart.kind == "barh":
            axes.set_yticks(list(positions))
            axes.set_yticklabels(labels)
            axes.invert_yaxis()  # the first category on top, as read
            axes.margins(x=0.15)
        else:
            axes.set_xticks(list(positions))
            axes.set_xticklabels([textwrap.fill(label, 14) for label in labels])
            axes.margins(y=0.12)  # room for the values above the bars
    # Values on the axis as the trainee's language writes numbers: 60,000 / 60 000.
    from matplotlib.ticker import FuncFormatter
    (axes.xaxis if chart.kind == "barh" else axes.yaxis).set_major_formatter(
        FuncFormatter(lambda value, _position: localized_digits(f"{value:,g}", language())))
    axes.set_title(textwrap.fill(chart.title, int(width * 11)), fontsize=8.5, loc="left",
                   fontweight="bold")
    axes.set_xlabel(chart.x_title, fontsize=7.5)
    axes.set_ylabel(chart.y_title, fontsize=7.5)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x" if chart.kind == "barh" else "y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    if len(names) > 1:
        # One row when the names fit across the chart, else one name per row.
        columns = len(names) if sum(len(n) + 6 for n in names) < width * 17 else 1
        figure.legend(loc="outside lower center", ncol=columns, fontsize=6.5, frameon=False)
    return figure


def _svg(chart: Chart, *, text_as_paths: bool, width: float = 5.0, height: float = 3.0) -> str:
    import matplotlib

    settings = {"svg.fonttype": "path" if text_as_paths else "none",
                "svg.hashsalt": "mld",  # the same chart gives the same file
                "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(settings):
        buffer = io.StringIO()
        _figure(chart, width, height).savefig(buffer, format="svg")
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]


# ------------------------------------------------------------------------------------
# PDF (fpdf2, imported here only)

MARGIN = 14  # mm
GREY = (80, 80, 80)


# A longer language can push a one-page document over: then its text and charts shrink a little.
SCALES = (1.0, 0.9, 0.8)


def _pdf(document: Document) -> bytes:
    for scale in SCALES if document.fit_pages else (1.0,):
        writer = _PdfWriter(document, scale)
        content = writer.output()
        if not document.fit_pages or writer.pdf.page <= document.fit_pages:
            break
    return content


class _PdfWriter:
    def __init__(self, document: Document, scale: float = 1.0):
        import matplotlib

        self.doc, self.k = document, scale
        pdf = _pages_class()(orientation="portrait", unit="mm", format="A4")
        pdf.head = document.subtitle
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        pdf.set_title(document.title)
        pdf.set_lang(language())
        pdf.set_creator(_("Migration and Local Development, an open e-course"))
        pdf.add_page()
        self.pdf = pdf
        # matplotlib's <metadata> is of no use in a PDF: no warning about it for the trainee.
        logging.getLogger("fpdf.svg").setLevel(logging.ERROR)

    def font(self, style: str, size: float) -> None:
        self.pdf.set_font(FONT, style, size * self.k)

    def text(self, text: str, height: float, width: float = 0, **options) -> None:
        # Left-aligned, not justified: a long French title would spread its few words
        # across the page, and the author's own spacing stays theirs.
        self.pdf.multi_cell(width, height * self.k, text, new_x=options.pop("new_x", "LMARGIN"),
                            new_y="NEXT", align="L", **options)

    def line(self, size: float) -> float:
        """The line height in mm for text of `size` points (before scaling)."""
        return size * 0.47

    def output(self) -> bytes:
        pdf, doc = self.pdf, self.doc
        self.font("B", 15)
        self.text(doc.title, 7)
        if doc.subtitle:
            self.font("", 8)
            pdf.set_text_color(*GREY)
            self.text(doc.subtitle, 4)
            pdf.set_text_color(0)
        pdf.ln(1 * self.k)
        for kind, content in doc.blocks:
            getattr(self, "_" + kind)(content)
        pdf.closing = True  # the next footer is the last page's
        return bytes(pdf.output())

    def _heading(self, text):
        size = self.doc.size * 1.25
        self.pdf.ln((1.5 + (size - 10) * 0.4) * self.k)
        self.font("B", size)
        self.text(text, self.line(size) + 0.3)
        y = self.pdf.get_y()
        self.pdf.set_draw_color(150)
        self.pdf.line(MARGIN, y, self.pdf.w - MARGIN, y)
        self.pdf.ln(1)

    def _paragraph(self, text):
        self.font("", self.doc.size)
        self.text(text, self.line(self.doc.size) + 0.04)
        self.pdf.ln(0.8)

    def _prompt(self, content):
        label, text = content
        size = self.doc.size * 0.8
        self.pdf.ln(1.5)
        self.pdf.set_text_color(*GREY)
        self.font("B", size)
        self.text(label, self.line(size))
        self.font("", size)
        self.text(text, self.line(size))
        self.pdf.set_text_color(0)
        self.pdf.ln(1)

    def _own_words(self, text):
        self.font("", self.doc.size)
        self.text(text.strip(), self.line(self.doc.size) + 0.3)
        self.pdf.ln(1.5)

    def _note(self, text):
        size = self.doc.size * 0.8
        self.pdf.set_text_color(*GREY)
        self.font("", size)
        self.text(text, self.line(size) + 0.2)
        self.pdf.set_text_color(0)
        self.pdf.ln(0.8)

    def _bullets(self, items, size=0.0, height=0.0):
        size = size or self.doc.size * 0.9
        height = height or self.line(size) - 0.1
        self.font("", size)
        for item in items:
            self.pdf.set_x(MARGIN)
            self.pdf.cell(3.5, height * self.k, "•")
            self.text(item, height)
        self.pdf.ln(0.5)

    def _sources(self, items):
        self.pdf.set_text_color(*GREY)
        self._bullets(items, size=6.2, height=2.8)
        self.pdf.set_text_color(0)

    def _table(self, content):
        headers, rows, caption = content
        pdf = self.pdf
        if caption:
            self.font("B", 8)
            self.text(caption, 4)
        self.font("", 7.2)
        # The first column (the labels) and the last (sources) are the widest.
        widths = [3, *[1] * (len(headers) - 2), 1.6][:len(headers)]
        with pdf.table(col_widths=widths, line_height=3.3 * self.k, padding=0.6 * self.k,
                       headings_style=_heading_style(), text_align="LEFT",
                       borders_layout="HORIZONTAL_LINES") as table:
            table.row(headers)
            for row in rows:
                table.row(row)
        pdf.ln(1)

    def _charts(self, content):
        charts, aspect = content
        pdf = self.pdf
        gap = 5
        width = (pdf.w - 2 * MARGIN - gap * (len(charts) - 1)) / len(charts)
        top = pdf.get_y() + 1
        height = width * aspect * self.k
        bottoms = []
        for index, (chart, words) in enumerate(charts):
            x = MARGIN + index * (width + gap)
            svg = _svg(chart, text_as_paths=True, width=width / 25.4, height=height / 25.4)
            pdf.image(io.BytesIO(svg.encode("utf-8")), x=x, y=top, w=width, h=height)
            pdf.set_xy(x, top + height + 0.5)
            self.font("", 6.4)
            # fpdf2's markdown marks bold with ** and underlines with --: keep the words plain.
            plain = re.sub(r"([*_-])\1+", r"\1", words)
            self.text(f"**{_('Chart in words:')}** {plain}", 2.8, width, markdown=True,
                      new_x="LEFT")
            bottoms.append(pdf.get_y())
        pdf.set_xy(MARGIN, max(bottoms) + 2.5 * self.k)


def _pages_class():
    """fpdf2's FPDF with the pages' head and foot: "2 / 3" at the foot when there is more
    than one page, and the subtitle (who wrote it, when) at the head of every page after
    the first, so that a printed page that comes loose still says whose it is."""
    from fpdf import FPDF

    class Pages(FPDF):
        head = ""
        closing = False  # set before output(): a footer then is the last page's

        def _small_grey(self):
            self.set_font(FONT, "", 7)
            self.set_text_color(*GREY)

        def header(self):
            if self.page_no() > 1 and self.head:
                self._small_grey()
                head = self.head
                while self.get_string_width(head) > self.epw:  # one line in the margin
                    head = head[:-2].rstrip() + "…"
                self.set_xy(MARGIN, MARGIN - 7)
                self.cell(0, 3, head, align="L")
                self.set_xy(MARGIN, MARGIN)

        def footer(self):
            if self.page_no() == 1 and self.closing:
                return  # a single page: no number
            self._small_grey()
            self.set_xy(MARGIN, self.h - MARGIN + 4)
            self.cell(0, 3, f"{self.page_no()} / {{nb}}", align="C")

    return Pages


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(232, 238, 245))
