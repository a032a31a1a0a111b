"""Exercises without a key: a written reflection (graded by hand) and a self-assessment."""

from __future__ import annotations

import ipywidgets as widgets
import plotly.graph_objects as go

from .answers import nbgrader_mode
from .charts import show_chart
from .controls import literal_dollars
from .exercises import WIDE, AnswerError, Exercise, rows


class Reflection(Exercise):
    """A short written answer that the instructor grades by hand in formgrader.

    The text is saved like every other answer; during autograde it is printed as
    plain text, so the instructor reads it in formgrader and the trainee in the
    feedback.
    """

    kind = "written reflection"
    how_to = "write your answer in the box above"
    auto_graded = False

    def __init__(self, book, exercise_id, prompt, *, min_words: int = 40, **kwargs):
        self.min_words = min_words
        kwargs.setdefault("points", 0)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        self.control = widgets.Textarea(
            value="", placeholder="Write here. Your text is saved as you type.",
            description=f"Your reflection {self.id}:", style=WIDE,
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
            raise AnswerError("write your answer as text between quotes.")
        return value.strip()

    def words(self) -> int:
        return len((self._read() or "").split())

    def _refresh_status(self):
        count = self.words()
        if self.book.store.problem:
            self._say("!", self.book.store.problem)
        elif count == 0:
            self._say("○", f"Not written yet (aim for at least {self.min_words} words).")
        elif count < self.min_words:
            self._saved(f"{count} words so far: aim for at least {self.min_words}.")
        else:
            self._saved(f"{count} words. Your instructor reads it after you submit.")

    def status(self) -> None:
        count = self.words()
        if count == 0:
            print(f"○ Reflection {self.id} is not written yet.")
        else:
            print(f"Saved: reflection {self.id}, {count} words.")

    def describe(self, value):
        words = len(value.split())
        return f"({words} words)"

    def example(self):
        return f'{self.id}.answer("In my town ...")'

    def text_form(self) -> str:
        text = self._read()
        body = text if text else "(no reflection written)"
        return f"Reflection {self.id} — {self.prompt}\n\nAnswer ({self.words()} words):\n{body}"


class SelfAssessment(Exercise):
    """Ungraded: rate yourself on a few statements and see your profile as a chart."""

    kind = "self-assessment"
    how_to = "choose a rating for every statement above"
    auto_graded = False
    SCALE = ("1 = not at all", "2 = a little", "3 = partly", "4 = mostly", "5 = fully")

    def __init__(self, book, exercise_id, prompt, statements, **kwargs):
        self.statements = list(statements)
        kwargs.setdefault("points", 0)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # One labelled menu per statement: unlike ipywidgets' slider, a <select>
        # carries its label to screen readers and works with the keyboard alone.
        choices = [("— not rated —", 0)] + [(label, n) for n, label in enumerate(self.SCALE, 1)]
        self.scales = [
            widgets.Dropdown(options=choices, value=0, description=literal_dollars(statement),
                             description_allow_html=True, style=WIDE,
                             layout=widgets.Layout(width="auto"))
            for statement in self.statements
        ]
        for scale in self.scales:
            scale.observe(self._changed, names="value")
        self.chart = widgets.Output()
        button = widgets.Button(description="Show my profile",
                                tooltip="Draw a chart of your self-assessment")
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
            raise AnswerError("give one rating from 1 to 5 per statement, as a list.")
        ratings = {}
        for statement, rating in value.items():
            if statement not in self.statements:
                raise AnswerError(f"{statement!r} is not one of the statements.")
            if not isinstance(rating, int) or not 0 <= rating <= 5:
                raise AnswerError(f"{rating!r} is not a whole number from 0 to 5.")
            ratings[statement] = rating
        return ratings

    @property
    def complete(self) -> bool:
        """True when every statement has a rating."""
        return all(scale.value for scale in self.scales)

    def _refresh_status(self):
        value = self._read() or {}
        rated = sum(1 for v in value.values() if v)
        text = f"{rated} of {len(self.statements)} statements rated. Not graded."
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
        return f"{self.id}.answer([3, 4, 2])  # one rating per statement"

    def profile_figure(self) -> tuple[go.Figure, str]:
        ratings = self._read() or dict.fromkeys(self.statements, 0)
        figure = go.Figure(go.Bar(
            x=list(ratings.values()), y=list(ratings.keys()), orientation="h",
            text=[str(r) for r in ratings.values()], textposition="outside"))
        figure.update_layout(title="My self-assessment (0 = not rated, 5 = fully)",
                             xaxis={"range": [0, 5.5], "dtick": 1, "title": "Rating"},
                             height=120 + 40 * len(ratings), margin={"l": 10, "r": 10})
        strongest = max(ratings, key=ratings.get)
        weakest = min(ratings, key=ratings.get)
        alt = (f"Bar chart of {len(ratings)} self-ratings from 0 to 5. "
               + "; ".join(f"{s}: {r}" for s, r in ratings.items())
               + f". Highest: {strongest}. Lowest: {weakest}.")
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
        lines = [f"Self-assessment {self.id} — {self.prompt}"]
        for statement in self.statements:
            rating = (value or {}).get(statement, 0)
            lines.append(f"  {statement}: {rating or 'not rated'}")
        return "\n".join(lines)

