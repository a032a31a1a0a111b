"""Exercises without a key: a written reflection (graded by hand) and a self-assessment."""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from .answers import nbgrader_mode
from .charts import show_chart
from .controls import literal_dollars
from .exercises import WIDE, AnswerError, Exercise, fit, rows
from .i18n import N_, _, ngettext


class Reflection(Exercise):
    """A short written answer that the instructor grades by hand in formgrader.

    The text is saved like every other answer; during autograde it is printed as
    plain text, so the instructor reads it in formgrader and the trainee in the
    feedback.
    """

    kind = N_("written reflection")
    how_to = N_("Write your answer in the box above, or type {example} in a code cell.")
    auto_graded = False

    def __init__(self, book, exercise_id, prompt, *, min_words: int = 40, **kwargs):
        self.min_words = min_words
        kwargs.setdefault("points", 0)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        self.control = widgets.Textarea(
            value="", placeholder=_("Write here. Your text is saved as you type."),
            description=_("Your reflection {id}:").format(id=self.id), style=WIDE,
            layout=widgets.Layout(width="95%", height="10em"))
        self.control.observe(self._changed, names="value")
        return [self.control]

    def _read(self):
        text = self.control.value.strip()
        return text or None

    def _show(self, value):
        self.control.value = value or ""

    def _normalize(self, value):
        if not isinstance(value, str):
            raise AnswerError(_("write your answer as text between quotes."))
        return value.strip()

    def words(self) -> int:
        return len((self._read() or "").split())

    def _refresh_status(self):
        count = self.words()
        if self.book.store.problem:
            self._say("!", self.book.store.problem)
        elif count == 0:
            self._say("○", ngettext("Not written yet (aim for at least {min} word).",
                                    "Not written yet (aim for at least {min} words).",
                                    self.min_words).format(min=self.min_words))
        elif count < self.min_words:
            self._saved(ngettext("{count} word so far: aim for at least {min}.",
                                 "{count} words so far: aim for at least {min}.",
                                 count).format(count=count, min=self.min_words))
        elif self.book is not None and getattr(self.book, "self_study", False):
            self._saved(ngettext("{count} word. It is saved for you: written reflections are "
                                 "not scored in the self-study version.",
                                 "{count} words. It is saved for you: written reflections are "
                                 "not scored in the self-study version.",
                                 count).format(count=count))
        else:
            self._saved(ngettext("{count} word. Your instructor reads it after you submit.",
                                 "{count} words. Your instructor reads it after you submit.",
                                 count).format(count=count))

    def status(self) -> None:
        count = self.words()
        if count == 0:
            print(_("○ Reflection {id} is not written yet.").format(id=self.id))
        else:
            print(ngettext("Saved: reflection {id}, {count} word.",
                           "Saved: reflection {id}, {count} words.", count).format(
                id=self.id, count=count))

    def describe(self, value):
        words = len(value.split())
        return ngettext("({count} word)", "({count} words)", words).format(count=words)

    def example(self):
        start = _("In my town ...")
        return f'{self.id}.answer("{start}")'

    def text_form(self) -> str:
        text = self._read()
        body = text if text else _("(no reflection written)")
        head = _("Reflection {id} — {prompt}").format(id=self.id, prompt=self.prompt)
        answer = ngettext("Answer ({count} word):", "Answer ({count} words):",
                          self.words()).format(count=self.words())
        return f"{head}\n\n{answer}\n{body}"


class SelfAssessment(Exercise):
    """Ungraded: rate yourself on a few statements and see your profile as a chart."""

    kind = N_("self-assessment")
    how_to = N_("Choose a rating for every statement above, or type {example} in a code "
                "cell.")
    auto_graded = False
    SCALE = (N_("1 = not at all"), N_("2 = a little"), N_("3 = partly"), N_("4 = mostly"),
             N_("5 = fully"))

    def __init__(self, book, exercise_id, prompt, statements, **kwargs):
        self.statements = list(statements)
        kwargs.setdefault("points", 0)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # One labelled menu per statement: unlike ipywidgets' slider, a <select>
        # carries its label to screen readers and works with the keyboard alone.
        choices = [(_("— not rated —"), 0)] + [(_(label), n)
                                                for n, label in enumerate(self.SCALE, 1)]
        self.scales = [
            widgets.Dropdown(options=choices, value=0, description=literal_dollars(statement),
                             description_allow_html=True, style=WIDE,
                             layout=widgets.Layout(width="auto"))
            for statement in self.statements
        ]
        for scale in self.scales:
            scale.observe(self._changed, names="value")
        self.chart = widgets.Output()
        button = widgets.Button(description=_("Show my profile"), layout=fit(),
                                tooltip=_("Draw a chart of your self-assessment"))
        button.on_click(lambda _button: self.show_profile())
        return [rows(self.scales), button, self.chart]

    def _read(self):
        ratings = {s: scale.value for s, scale in zip(self.statements, self.scales)}
        return ratings if any(ratings.values()) else None

    def _show(self, value):
        value = value or {}
        for statement, scale in zip(self.statements, self.scales):
            scale.value = int(value.get(statement, 0))

    def _normalize(self, value):
        if isinstance(value, (list, tuple)):
            value = dict(zip(self.statements, value))
        if not isinstance(value, dict):
            raise AnswerError(_("give one rating from 1 to 5 per statement, as a list."))
        ratings = {}
        for statement, rating in value.items():
            if statement not in self.statements:
                raise AnswerError(_("{value} is not one of the statements.").format(
                    value=repr(statement)))
            if not isinstance(rating, int) or not 0 <= rating <= 5:
                raise AnswerError(_("{value} is not a whole number from 0 to 5.").format(
                    value=repr(rating)))
            ratings[statement] = rating
        return ratings

    @property
    def complete(self) -> bool:
        """True when every statement has a rating."""
        return all(scale.value for scale in self.scales)

    def _refresh_status(self):
        value = self._read() or {}
        rated = sum(1 for v in value.values() if v)
        text = ngettext("{rated} of {count} statement rated. Not graded.",
                        "{rated} of {count} statements rated. Not graded.",
                        len(self.statements)).format(rated=rated, count=len(self.statements))
        if rated:
            self._saved(text)
        else:
            self._say("○", text)

    def status(self) -> None:
        self._refresh_status()
        print(self._plain(self.feedback.value))

    def describe(self, value):
        return "; ".join(f"{s}: {r}" for s, r in value.items())

    def example(self):
        return f"{self.id}.answer([3, 4, 2])  # " + _("one rating per statement")

    def profile_figure(self) -> tuple[go.Figure, str]:
        ratings = self._read() or dict.fromkeys(self.statements, 0)
        figure = go.Figure(go.Bar(
            x=list(ratings.values()), y=list(ratings.keys()), orientation="h",
            text=[str(r) for r in ratings.values()], textposition="outside"))
        figure.update_layout(title=_("My self-assessment (0 = not rated, 5 = fully)"),
                             xaxis={"range": [0, 5.5], "dtick": 1, "title": _("Rating")},
                             height=120 + 40 * len(ratings), margin={"l": 10, "r": 10})
        strongest = max(ratings, key=ratings.get)
        weakest = min(ratings, key=ratings.get)
        alt = _("Bar chart of {count} self-ratings from 0 to 5. {ratings}. Highest: {highest}. "
                "Lowest: {lowest}.").format(
            count=len(ratings), ratings="; ".join(f"{s}: {r}" for s, r in ratings.items()),
            highest=strongest, lowest=weakest)
        return figure, alt

    def show_profile(self) -> None:
        figure, alt = self.profile_figure()
        if nbgrader_mode():
            show_chart(figure, alt)
            return
        self.chart.clear_output()
        with self.chart:
            show_chart(figure, alt)

    def text_form(self) -> str:
        value = self._read()
        lines = [_("Self-assessment {id} — {prompt}").format(id=self.id, prompt=self.prompt)]
        not_rated = _("not rated")
        for statement in self.statements:
            rating = (value or {}).get(statement, 0)
            lines.append(f"  {statement}: {rating or not_rated}")
        return "\n".join(lines)

