"""Exercise widgets that a trainee answers with the mouse, the keyboard or plain Python.

Every exercise works in one of two modes:

* **graded**: no answer key is given when the exercise is created. The answer is
  saved to the workbook's answers file at every change, and only the hidden test
  cell (``q.grade(key)``, removed from the student version) knows the key.
* **practice**: the author gives ``key=``, ``why=`` and perhaps ``hint=``. The trainee
  clicks *Check my answer* (or calls ``q.answer(...)``): a wrong answer first gets a hint,
  the answer and its explanation come after a second try or with *Show the answer*.

In the self-study version (``Workbook(..., self_study=True)``) the hidden test's
``q.grade(key, why=...)`` hands the key to the exercise instead of grading it, so every
graded exercise also has *Check my answer*, and the workbook keeps the score.

Feedback is always written in words with a sign (✔ / ✘ / ○), never signalled by
colour alone.
"""

from __future__ import annotations

import html
import textwrap

import ipywidgets as widgets

from . import feedback as words
from . import scoring
from .answers import nbgrader_mode
from .page_style import RUN_AGAIN
from .controls import ChoiceGroup, KeyGuard, literal_dollars
from .recorder import record, recording
from .scoring import BLANK, LETTERS, AnswerError

WIDE = {"description_width": "initial"}
__all__ = ["AnswerError", "BLANK", "LETTERS", "Exercise", "NotGraded"]


class NotGraded(AssertionError):
    """Raised only under nbgrader, so Validate and autograde count the test as failed.

    IPython shows ``_render_traceback_`` instead of a traceback: the trainee reads
    one plain sentence, not the widget's internals.
    """

    def _render_traceback_(self):
        # nbgrader's Validate cuts long lines, so wrap the sentence.
        return textwrap.wrap(f"✘ {self}", 76)


_points = scoring.points_text


class StatusLine(widgets.HTML):
    """The exercise's status in words; plain text where no browser draws widgets."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = Exercise._plain(self.value)
        return bundle


class Exercise(widgets.VBox):
    """Shared behaviour: prompt, saving, status line, feedback and grading."""

    kind = "exercise"
    code = ""  # the kind's name in scoring.py; empty for exercises without a key
    how_to = "answer with the controls above"
    auto_graded = True  # scored from a key (reflections and self-assessments are not)

    def __init__(self, book, exercise_id: str, prompt: str, *, points: float = 1,
                 key=None, why: str = "", hint: str = ""):
        super().__init__()
        self.book = book
        self.id = exercise_id
        self.prompt = prompt
        self.points = points
        self.practice = key is not None
        self.self_study = bool(getattr(book, "self_study", False)) and not self.practice
        self._why = why
        self._hint = hint
        self._key = self._normalize(key) if self.practice else None
        self._options: dict = {}  # grading options from the hidden test (a tolerance)
        self._tries = 0  # wrong practice checks so far: the second one shows the answer
        self._restoring = False
        self.feedback = StatusLine()
        self.add_class("mld-exercise")
        label = "practice" if self.practice else (_points(points) if points else "not graded")
        header = widgets.HTML(
            f"<p><strong>Exercise {html.escape(exercise_id)}</strong> "
            f"<em>({html.escape(self.kind)}, {label})</em><br>{literal_dollars(prompt)}</p>"
        )
        body = self._build()
        tail = []
        if self.practice or (self.self_study and self.auto_graded and points):
            # The tooltip names the exercise only: never the key.
            check = widgets.Button(description=words.CHECK,
                                   tooltip=f"Check your answer to exercise {exercise_id}")
            check.on_click(lambda _button: self.check())
            tail.append(check)
        if self.practice:
            show = widgets.Button(description=words.SHOW,
                                  tooltip=f"Show the answer to exercise {exercise_id}")
            show.on_click(lambda _button: self.show_answer())
            tail.append(show)
        if tail:
            tail = [widgets.HBox(tail)]
        hint = widgets.HTML(
            f"<small>Prefer typing? In a code cell: <code>{html.escape(self.example())}</code>"
            "</small>")
        self.children = [header, *body, *tail, self.feedback, hint, KeyGuard()]
        if recording() and self.code and not self.practice:
            record({"event": "define", "definition": self.definition()})
        saved = book.store.get(exercise_id)
        if saved is not None:
            try:
                self._show_quietly(self._normalize(saved))
            except AnswerError:
                pass  # the exercise changed since: show it unanswered, keep the file as it is
        self._refresh_status()

    # --- what each exercise type provides -------------------------------------
    def _build(self) -> list:
        raise NotImplementedError

    def _read(self):
        """The answer shown by the controls, or None when nothing is chosen."""
        raise NotImplementedError

    def _show(self, value) -> None:
        raise NotImplementedError

    def _fields(self) -> dict:
        """What scoring.py needs to know of this exercise besides its kind."""
        return {}

    def definition(self) -> dict:
        """The exercise as plain data: what the grader scores a saved answer against."""
        return {"kind": self.code, "workbook": self.book.name, "id": self.id,
                "points": self.points, "how_to": self.how_to, "example": self.example(),
                **self._fields()}

    def _normalize(self, value):
        """Turn a plain-Python answer into the stored form, or raise AnswerError."""
        return scoring.normalize(self.definition(), value)

    def _score(self, value, key, **options) -> tuple[float, str]:
        """The share of the points earned (0 to 1) and a sentence on why."""
        return scoring.score(self.definition(), value, key, **options)

    def describe(self, value) -> str:
        if self.code:
            return scoring.describe(self.definition(), value)
        return str(value)

    def example(self) -> str:
        return f"{self.id}.answer(...)"

    def _choices_text(self) -> list[str]:
        return []

    # --- answering --------------------------------------------------------------
    @property
    def value(self):
        """The current answer (None when unanswered)."""
        return self._read()

    def answer(self, value) -> None:
        """Answer in plain Python, exactly as clicking the controls would."""
        try:
            normalized = self._normalize(value)
        except AnswerError as problem:
            self._say("✘", f"That answer could not be used: {problem}")
            print(f"Exercise {self.id}: that answer could not be used: {problem}")
            return
        self._show(normalized)  # the observers save it, as for a click
        if self.practice:
            self.check()
            print(self._plain(self.feedback.value))
        else:
            print(f"Exercise {self.id}: saved your answer {self.describe(normalized)}.")

    def _show_quietly(self, value) -> None:
        self._restoring = True
        try:
            self._show(value)
        finally:
            self._restoring = False

    def _changed(self, _change=None) -> None:
        if self._restoring:
            return
        value = self._read()
        if value is None:
            self.book.store.clear(self.id)
        else:
            self.book.store.set(self.id, value)
        if self.self_study and hasattr(self.book, "forget_check"):
            self.book.forget_check(self.id)  # a changed answer must be checked again
        self._refresh_status()

    def _refresh_status(self) -> None:
        value = self._read()
        if self.book.store.problem:
            self._say("!", self.book.store.problem)
        elif value is None:
            self._say("○", f"Exercise {self.id} is not answered yet: {self.how_to}, "
                           f"or type {self.example()} in a code cell.")
        elif self.practice:
            self._say("○", f"Your answer: {self.describe(value)}. Click “Check my answer”.")
        else:
            text = words.SAVED_SELF_STUDY if self.self_study else words.SAVED_GRADED
            self._saved(text.format(answer=self.describe(value)))

    def _say(self, sign: str, text: str) -> None:
        self.feedback.value = (
            f'<p role="status" aria-live="polite"><strong>{sign}</strong> '
            f"{literal_dollars(text)}</p>")

    def _saved(self, text: str) -> None:
        """Saving has its own tag, never a tick: ✔ means right."""
        self.feedback.value = (
            f'<p role="status" aria-live="polite"><strong class="mld-tag">{words.SAVED_TAG}'
            f"</strong> {literal_dollars(text)}</p>")

    @staticmethod
    def _plain(fragment: str) -> str:
        text = fragment.replace("<strong>", "").replace("</strong>", "")
        while "<" in text and ">" in text:
            start = text.index("<")
            end = text.index(">", start)
            text = text[:start] + text[end + 1:]
        return html.unescape(text).strip()

    # --- feedback and grading -----------------------------------------------------
    def check(self) -> float | None:
        """Show whether the answer is right: practice, and graded ones in self-study."""
        value = self._read()
        if value is None:
            self._say("○", words.CHOOSE_FIRST)
            return None
        if self._key is None:
            self._say("○", words.NO_KEY_YET)
            return None
        share, detail = self._score(value, self._key, **self._options)
        sign, verdict = self._verdict(share)
        why = f" {self._why}" if self._why else ""
        if self.practice and share < 1:
            self._tries += 1
            if self._tries < 2:  # a hint first; the answer only after a second try
                hint = self._hint or words.hint(self.kind, value, self._key)
                self._say(sign, f"{verdict} {hint} {words.TRY_AGAIN}")
                return share
            detail = words.THE_ANSWER.format(answer=self.describe(self._key))
        score = ""
        if self.self_study and hasattr(self.book, "record_check"):
            score = " " + self.book.record_check(self, share)
        if share >= 1 and why:
            detail = ""  # "Correct." says it: the explanation follows, not the verdict again
        self._say(sign, " ".join(p for p in (verdict, detail, why.strip(), score.strip()) if p))
        return share

    def show_answer(self) -> None:
        """Practice: the trainee asks for the answer and its explanation."""
        if self._key is None:
            self._say("○", words.NO_KEY_YET)
            return
        why = f" {self._why}" if self._why else ""
        self._say("○", words.THE_ANSWER.format(answer=self.describe(self._key)) + why)

    _verdict = staticmethod(scoring.verdict)

    def status(self) -> None:
        """Under nbgrader, say where this exercise stands; unanswered fails."""
        value = self._read()
        if nbgrader_mode():
            if value is None:
                raise NotGraded(scoring.not_answered(self.definition()))
            print(scoring.saved(self.definition(), value))
        # Outside nbgrader the widget's own status line says it all: show nothing twice.

    def grade(self, key, why: str = "", **options) -> float:
        """Hidden test: print feedback and return the points earned.

        Under nbgrader a score of zero raises, so Validate and autograde report
        the exercise as failed with a plain message. In recording mode (the grader
        reading the instructor's notebook) it only writes the key down.

        In the self-study version nothing is graded here: the key and the explanation
        go to the exercise's "Check my answer" (and a saved answer is checked now).
        """
        if recording():
            record({"event": "key", "workbook": self.book.name, "id": self.id,
                    "key": self._normalize(key), "why": why, "options": options})
            return float(self.points)
        if self.self_study:
            self._key, self._why, self._options = self._normalize(key), why, options
            if self._read() is not None:
                self.check()
            return None
        earned, text = scoring.grade(self.definition(), self._read(), self._normalize(key), why,
                                     **options)
        if earned == 0 and nbgrader_mode():
            raise NotGraded(text)
        print(text)
        return earned

    # --- text forms, for papermill, nbconvert and nbgrader's feedback -------------
    def text_form(self) -> str:
        value = self._read()
        lines = [f"Exercise {self.id} ({self.kind}) — {self.prompt}", *self._choices_text()]
        lines.append("Answer: " + ("not answered yet" if value is None else self.describe(value)))
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs):
        text = self.text_form()
        page = "<pre>" + html.escape(text) + "</pre>"
        if nbgrader_mode():
            # nbgrader runs without a browser: show the answer as readable text.
            return {"text/plain": text, "text/html": page}
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        # JupyterLab shows this text where it does not draw the widget: a notebook it
        # does not trust, reopened after the kernel is gone. Say how to get the control.
        bundle["text/plain"] = f"{text}\n{RUN_AGAIN}"
        return bundle


def rows(menus: list) -> widgets.VBox:
    """Labelled menus in a grid: each label beside its menu, every menu in line."""
    box = widgets.VBox(menus)
    box.add_class("mld-rows")
    return box


class SingleChoice(Exercise):
    kind = "single choice"
    code = "single_choice"
    how_to = "choose one option above"

    def __init__(self, book, exercise_id, prompt, options, **kwargs):
        self.options = list(options)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        labels = [f"{letter}. {option}" for letter, option in zip(LETTERS, self.options)]
        self.control = ChoiceGroup(options=labels, label=f"Your answer to {self.id}")
        self.control.observe(self._changed, names="selected")
        return [self.control]

    def _read(self):
        chosen = self.control.selected
        return LETTERS[chosen[0]] if chosen else None

    def _show(self, value):
        self.control.selected = [] if value is None else [LETTERS.index(value)]

    def _fields(self):
        return {"options": self.options}

    def example(self):
        return f'{self.id}.answer("B")'

    def _choices_text(self):
        return [f"  {letter}. {option}" for letter, option in zip(LETTERS, self.options)]


class MultipleChoice(Exercise):
    kind = "multiple choice"
    code = "multiple_choice"
    how_to = "tick every option that applies"

    def __init__(self, book, exercise_id, prompt, options, **kwargs):
        self.options = list(options)
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        labels = [f"{letter}. {option}" for letter, option in zip(LETTERS, self.options)]
        self.control = ChoiceGroup(options=labels, multiple=True,
                                   label=f"Your answer to {self.id}: tick every option that "
                                         "applies")
        self.control.observe(self._changed, names="selected")
        return [self.control]

    def _read(self):
        chosen = [LETTERS[index] for index in sorted(self.control.selected)]
        return chosen or None

    def _show(self, value):
        self.control.selected = sorted(LETTERS.index(letter) for letter in (value or []))

    def _fields(self):
        return {"options": self.options}

    def example(self):
        return f'{self.id}.answer(["A", "C"])'

    def _choices_text(self):
        return [f"  {letter}. {option}" for letter, option in zip(LETTERS, self.options)]


class NumericAnswer(Exercise):
    kind = "number"
    code = "number"
    how_to = "type a number in the box above"

    def __init__(self, book, exercise_id, prompt, *, unit: str = "", tolerance: float = 0.0,
                 **kwargs):
        self.unit = unit
        self.tolerance = tolerance
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # A text box, not FloatText: an empty box must mean "unanswered", not 0.
        self.control = widgets.Text(
            value="", placeholder="a number", style=WIDE,
            # The unit is part of the label, so a screen reader announces it too.
            description=f"Your answer to {self.id}" + (f" ({self.unit}):" if self.unit else ":"),
            continuous_update=True)
        self.control.observe(self._changed, names="value")
        unit = widgets.Label(self.unit) if self.unit else widgets.Label("")
        return [widgets.HBox([self.control, unit])]

    def _read(self):
        try:
            return self._normalize(self.control.value)
        except AnswerError:
            return None

    def _show(self, value):
        self.control.value = "" if value is None else f"{value:g}"

    def _refresh_status(self):
        if self.control.value.strip() and self._read() is None:
            self._say("✘", f"“{self.control.value}” is not a number: type digits only.")
        else:
            super()._refresh_status()

    def _fields(self):
        return {"unit": self.unit, "tolerance": self.tolerance}

    def example(self):
        return f"{self.id}.answer(12.5)"


class Matching(Exercise):
    kind = "matching pairs"
    code = "matching"
    how_to = "pick a match for every item above"
    BLANK = BLANK

    def __init__(self, book, exercise_id, prompt, left, right, **kwargs):
        self.left = list(left)
        self.right = list(right)
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        self.menus = [
            widgets.Dropdown(options=[self.BLANK, *self.right], value=self.BLANK,
                             description=literal_dollars(item), description_allow_html=True,
                             style=WIDE, layout=widgets.Layout(width="auto"))
            for item in self.left
        ]
        for menu in self.menus:
            menu.observe(self._changed, names="value")
        return [rows(self.menus)]

    def _read(self):
        pairs = {item: menu.value for item, menu in zip(self.left, self.menus)
                 if menu.value != self.BLANK}
        return pairs or None

    def _show(self, value):
        value = value or {}
        for item, menu in zip(self.left, self.menus):
            menu.value = value.get(item, self.BLANK)

    def _fields(self):
        return {"left": self.left, "right": self.right}

    def example(self):
        return f'{self.id}.answer({{"an item": "its match", ...}})'

    def _choices_text(self):
        return ([f"  Item: {item}" for item in self.left]
                + [f"  Possible match: {match}" for match in self.right])


class Ordering(Exercise):
    kind = "ordering"
    code = "ordering"
    how_to = "choose an item for every position above"
    BLANK = BLANK

    def __init__(self, book, exercise_id, prompt, items, **kwargs):
        self.items = list(items)
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # One menu per position: plain keyboard use, and each control has a label.
        self.menus = [
            widgets.Dropdown(options=[self.BLANK, *self.items], value=self.BLANK,
                             description=f"Position {n}:", style=WIDE,
                             layout=widgets.Layout(width="auto"))
            for n in range(1, len(self.items) + 1)
        ]
        for menu in self.menus:
            menu.observe(self._changed, names="value")
        return [rows(self.menus)]

    def _read(self):
        order = [menu.value for menu in self.menus]
        return None if all(item == self.BLANK for item in order) else order

    def _show(self, value):
        value = list(value or [])
        for n, menu in enumerate(self.menus):
            menu.value = value[n] if n < len(value) else self.BLANK

    def _fields(self):
        return {"items": self.items}

    def _refresh_status(self):
        value = self._read()
        chosen = [item for item in (value or []) if item != self.BLANK]
        if len(chosen) != len(set(chosen)):
            self._say("!", "An item is used twice: each item belongs in one position only.")
        else:
            super()._refresh_status()

    def example(self):
        return f'{self.id}.answer(["first item", "second item", ...])'

    def _choices_text(self):
        return [f"  Item: {item}" for item in self.items]
