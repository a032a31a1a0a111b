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
from .i18n import N_, _
from .recorder import record, recording
from .scoring import BLANK, LETTERS, AnswerError, NamingError

WIDE = {"description_width": "initial"}
EMPTY_MENU = ""  # the value of a menu's "— choose —" entry: nothing chosen
__all__ = ["AnswerError", "BLANK", "LETTERS", "Exercise", "NamingError", "NotGraded"]


class NotGraded(AssertionError):
    """Raised only under nbgrader, so Validate and autograde count the test as failed.

    IPython shows ``_render_traceback_`` instead of a traceback: the trainee reads
    one plain sentence, not the widget's internals.
    """

    def _render_traceback_(self):
        # nbgrader's Validate cuts long lines, so wrap the sentence.
        return textwrap.wrap(f"✘ {self}", 76)


_points = scoring.points_text


def choose_label() -> str:
    """The empty entry of a menu (matching, ordering)."""
    return _("— choose —")


class StatusLine(widgets.HTML):
    """The exercise's status in words; plain text where no browser draws widgets."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = Exercise._plain(self.value)
        return bundle


def fit() -> widgets.Layout:
    """A button as wide as its words: ipywidgets' fixed width cuts "Comprobar mi respuesta"."""
    return widgets.Layout(width="auto")


class Exercise(widgets.VBox):
    """Shared behaviour: prompt, saving, status line, feedback and grading."""

    kind = N_("exercise")
    code = ""  # the kind's name in scoring.py; empty for exercises without a key
    # How to answer, a whole sentence; {example} is the plain-Python way.
    how_to = N_("Answer with the controls above, or type {example} in a code cell.")
    # The same under the widget, without the example: the typing hint follows below it.
    do = N_("Answer with the controls above.")
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
        if self.practice:
            label = _("practice")
        elif points:
            label = _points(points)
        else:
            label = _("not graded")
        title = _("Exercise {id}").format(id=exercise_id)
        about = _("({kind}, {points})").format(kind=_(self.kind), points=label)
        header = widgets.HTML(
            f"<p><strong>{html.escape(title)}</strong> <em>{html.escape(about)}</em><br>"
            f"{literal_dollars(prompt)}</p>"
        )
        body = self._build()
        tail = []
        if self.practice or (self.self_study and self.auto_graded and points):
            # The tooltip names the exercise only: never the key.
            check = widgets.Button(description=_(words.CHECK), layout=fit(),
                                   tooltip=_("Check your answer to exercise {id}").format(
                                       id=exercise_id))
            check.on_click(lambda _button: self.check())
            tail.append(check)
        if self.practice:
            show = widgets.Button(description=_(words.SHOW), layout=fit(),
                                  tooltip=_("Show the answer to exercise {id}").format(
                                      id=exercise_id))
            show.on_click(lambda _button: self.show_answer())
            tail.append(show)
        if tail:
            tail = [widgets.HBox(tail)]
        typing = _("Prefer typing? In a code cell: {example}").format(example="\0")
        before, _sep, after = typing.partition("\0")
        hint = widgets.HTML(
            f"<small>{html.escape(before)}<code>{literal_dollars(self.example())}</code>"
            f"{html.escape(after)}</small>")
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

    order = None  # the author's indices of the options, in the order this trainee sees them
    shuffle = False
    _shuffled: list = []  # what the order applies to: options, matches or items

    def _shown(self) -> list[int]:
        """The options' order for this trainee, the same at every opening (the seed is
        in the answers file); the author's order in recording mode or with shuffle=False."""
        if self.order is None:
            count = len(self._shuffled)
            self.order = (self.book.shuffled(self.id, count) if self.shuffle and not recording()
                          else list(range(count)))
        return self.order

    def _how_to(self) -> str:
        return _(self.how_to).format(example=self.example())

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
            text = _("Exercise {id}: that answer could not be used: {problem}").format(
                id=self.id, problem=problem)
            self._say("✘", text)
            print(text)
            return
        self._show(normalized)  # the observers save it, as for a click
        if self.practice:
            self.check()
            print(self._plain(self.feedback.value))
        else:
            print(_("Exercise {id}: saved your answer {answer}.").format(
                id=self.id, answer=self.describe(normalized)))

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
            self._say("○", _("Exercise {id} is not answered yet.").format(id=self.id) + " "
                      + _(self.do))
        elif self.practice:
            self._say("○", _("Your answer: {answer}. Click “Check my answer”.").format(
                answer=self.describe(value)))
        else:
            text = words.SAVED_SELF_STUDY if self.self_study else words.SAVED_GRADED
            self._saved(_(text).format(answer=self.describe(value)))

    def _say(self, sign: str, text: str) -> None:
        self.feedback.value = (
            f'<p role="status" aria-live="polite"><strong>{sign}</strong> '
            f"{literal_dollars(text)}</p>")

    def _saved(self, text: str) -> None:
        """Saving has its own tag, never a tick: ✔ means right."""
        self.feedback.value = (
            f'<p role="status" aria-live="polite"><strong class="mld-tag">'
            f"{html.escape(_(words.SAVED_TAG))}</strong> {literal_dollars(text)}</p>")

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
            self._say("○", _(words.CHOOSE_FIRST))
            return None
        if self._key is None:
            self._say("○", _(words.NO_KEY_YET))
            return None
        share, detail = self._score(value, self._key, **self._options)
        sign, verdict = self._verdict(share)
        why = f" {self._why}" if self._why else ""
        if self.practice and share < 1:
            self._tries += 1
            if self._tries < 2:  # a hint first; the answer only after a second try
                hint = self._hint or words.hint(self.code, value, self._key)
                self._say(sign, f"{verdict} {hint} {_(words.TRY_AGAIN)}")
                return share
            detail = _(words.THE_ANSWER).format(answer=self.describe(self._key))
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
            self._say("○", _(words.NO_KEY_YET))
            return
        why = f" {self._why}" if self._why else ""
        self._say("○", _(words.THE_ANSWER).format(answer=self.describe(self._key)) + why)

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
            # The instructor's own answer goes along, so the build can check that the
            # solution and the hidden test agree (course/written_once.py).
            # A key that names options by letters is recorded as such: the build asks
            # for the ids instead.
            record({"event": "key", "workbook": self.book.name, "id": self.id,
                    "key": self._normalize(key), "why": why, "options": options,
                    "answer": self._read(),
                    "letters": self.code in scoring.NAMED_KINDS
                    and scoring.uses_letters(self.definition(), key)})
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
        lines = [_("Exercise {id} ({kind}) — {prompt}").format(
            id=self.id, kind=_(self.kind), prompt=self.prompt), *self._choices_text()]
        lines.append(_("Answer: {answer}").format(
            answer=_("not answered yet") if value is None else self.describe(value)))
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
        bundle["text/plain"] = f"{text}\n{_(RUN_AGAIN)}"
        return bundle


def rows(menus: list) -> widgets.VBox:
    """Labelled menus in a grid: each label beside its menu, every menu in line."""
    box = widgets.VBox(menus)
    box.add_class("mld-rows")
    return box


def _typed(text: str) -> str:
    """How a trainee types a text in Python: quoted, as repr would, but always with \"."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class SingleChoice(Exercise):
    """One option. ``options`` is the author's {id: words}. The trainee sees the options
    in their own shuffled order (unless ``shuffle=False``, for options whose order means
    something); the answer saved is the option's id."""

    kind = N_("single choice")
    code = "single_choice"
    how_to = N_("Choose one option above, or type {example} in a code cell.")
    do = N_("Choose one option above.")

    def __init__(self, book, exercise_id, prompt, options, *, shuffle: bool = True, **kwargs):
        self.options = scoring.named(exercise_id, options)
        self._shuffled = list(self.options)  # the ids, in the author's order
        self.shuffle = shuffle
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        self.control = ChoiceGroup(options=self._labels(),
                                   label=_("Your answer to {id}").format(id=self.id))
        self.control.observe(self._changed, names="selected")
        return [self.control]

    def _labels(self) -> list[str]:
        """The options' words, in the order this trainee sees them."""
        return [self.options[self._shuffled[i]] for i in self._shown()]

    def _id_shown(self, n: int) -> str:
        """The id of the n-th option this trainee sees."""
        return self._shuffled[self._shown()[n]]

    def _position(self, option_id: str) -> int:
        """Where this trainee sees an option."""
        return self._shown().index(self._shuffled.index(option_id))

    def _read(self):
        chosen = self.control.selected
        return self._id_shown(chosen[0]) if chosen else None

    def _show(self, value):
        self.control.selected = [] if value is None else [self._position(value)]

    def _fields(self):
        return {"options": self.options}

    def example(self):
        return f"{self.id}.answer({_typed(self._labels()[0])})"

    def _choices_text(self):
        return [f"  ○ {label}" for label in self._labels()]


class MultipleChoice(SingleChoice):
    kind = N_("multiple choice")
    code = "multiple_choice"
    how_to = N_("Tick every option that applies, or type {example} in a code cell.")
    do = N_("Tick every option that applies.")

    def __init__(self, book, exercise_id, prompt, options, **kwargs):
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, options, **kwargs)

    def _build(self):
        self.control = ChoiceGroup(
            options=self._labels(), multiple=True,
            label=_("Your answer to {id}: tick every option that applies").format(id=self.id))
        self.control.observe(self._changed, names="selected")
        return [self.control]

    def _read(self):
        chosen = {self._id_shown(index) for index in self.control.selected}
        return [key for key in self.options if key in chosen] or None  # the author's order

    def _show(self, value):
        self.control.selected = sorted(self._position(key) for key in (value or []))

    def example(self):
        shown = [_typed(label) for label in self._labels()[:2]]
        return f"{self.id}.answer([{', '.join(shown)}])"

    def _choices_text(self):
        return [f"  ☐ {label}" for label in self._labels()]


class NumericAnswer(Exercise):
    kind = N_("number")
    code = "number"
    how_to = N_("Type a number in the box above, or type {example} in a code cell.")
    do = N_("Type a number in the box above.")

    def __init__(self, book, exercise_id, prompt, *, unit: str = "", tolerance: float = 0.0,
                 **kwargs):
        self.unit = unit
        self.tolerance = tolerance
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # A text box, not FloatText: an empty box must mean "unanswered", not 0.
        if self.unit:
            # The unit is part of the label, so a screen reader announces it too.
            label = _("Your answer to {id} ({unit}):").format(id=self.id, unit=self.unit)
        else:
            label = _("Your answer to {id}:").format(id=self.id)
        self.control = widgets.Text(
            value="", placeholder=_("a number"), style=WIDE, description=label,
            continuous_update=True,
            # As wide as the label plus a box for the number: ipywidgets' fixed width
            # left a long label (with its unit) a box too narrow to read.
            layout=widgets.Layout(width="auto", min_width="max-content"))
        self.control.observe(self._changed, names="value")
        unit = widgets.Label(self.unit) if self.unit else widgets.Label("")
        return [widgets.HBox([self.control, unit])]

    def _read(self):
        try:
            return self._normalize(self.control.value)
        except AnswerError:
            return None

    def _show(self, value):
        from .numbers import show
        self.control.value = "" if value is None else show(value, grouped=False)

    def _refresh_status(self):
        if self.control.value.strip() and self._read() is None:
            try:
                self._normalize(self.control.value)
            except AnswerError as problem:
                self._say("✘", str(problem))
        else:
            super()._refresh_status()

    def _fields(self):
        return {"unit": self.unit, "tolerance": self.tolerance}

    def example(self):
        return f"{self.id}.answer(12.5)"


class Matching(Exercise):
    """A menu of matches for each item. ``left`` (the items) and ``right`` (the matches)
    are the author's {id: words}. The items keep the author's order; the matches in each
    menu are shuffled per trainee (``shuffle=False`` keeps them). Saved as
    {item id: match id}."""

    kind = N_("matching pairs")
    code = "matching"
    how_to = N_("Pick a match for every item above, or type {example} in a code cell.")
    do = N_("Pick a match for every item above.")
    BLANK = BLANK

    def __init__(self, book, exercise_id, prompt, left, right, *, shuffle: bool = True,
                 **kwargs):
        self.left = scoring.named(exercise_id, left, "items to match")
        self.right = scoring.named(exercise_id, right, "matches", taken=tuple(self.left))
        self._shuffled = list(self.right)
        self.shuffle = shuffle
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        shown = [self._shuffled[i] for i in self._shown()]
        choices = [(choose_label(), EMPTY_MENU)] + [(self.right[key], key) for key in shown]
        self.menus = [
            widgets.Dropdown(options=choices, value=EMPTY_MENU,
                             description=literal_dollars(item), description_allow_html=True,
                             style=WIDE, layout=widgets.Layout(width="auto"))
            for item in self.left.values()
        ]
        for menu in self.menus:
            menu.observe(self._changed, names="value")
        return [rows(self.menus)]

    def _read(self):
        pairs = {item: menu.value for item, menu in zip(self.left, self.menus)
                 if menu.value != EMPTY_MENU}
        return pairs or None

    def _show(self, value):
        value = value or {}
        for item, menu in zip(self.left, self.menus):
            menu.value = value.get(item, EMPTY_MENU)

    def _fields(self):
        return {"left": self.left, "right": self.right}

    def example(self):
        first = self.right[self._shuffled[self._shown()[0]]]
        return (f"{self.id}.answer({{{_typed(next(iter(self.left.values())))}: "
                f"{_typed(first)}, ...}})")

    def _choices_text(self):
        return ([_("  Item: {item}").format(item=item) for item in self.left.values()]
                + [_("  Possible match: {match}").format(match=self.right[self._shuffled[i]])
                   for i in self._shown()])


class Ordering(Exercise):
    """One menu per position; ``items`` is the author's {id: words}. The items in the
    menus are shuffled per trainee (in the author's order they could give the answer
    away). Saved as the list of item ids, None for an empty position."""

    kind = N_("ordering")
    code = "ordering"
    how_to = N_("Choose an item for every position above, or type {example} in a code cell.")
    do = N_("Choose an item for every position above.")
    BLANK = BLANK

    def __init__(self, book, exercise_id, prompt, items, *, shuffle: bool = True, **kwargs):
        self.items = scoring.named(exercise_id, items, "items")
        self._shuffled = list(self.items)
        self.shuffle = shuffle
        kwargs.setdefault("points", 2)
        super().__init__(book, exercise_id, prompt, **kwargs)

    def _build(self):
        # One menu per position: plain keyboard use, and each control has a label.
        shown = [self._shuffled[i] for i in self._shown()]
        choices = [(choose_label(), EMPTY_MENU)] + [(self.items[key], key) for key in shown]
        self.menus = [
            widgets.Dropdown(options=choices, value=EMPTY_MENU,
                             description=_("Position {n}:").format(n=n), style=WIDE,
                             layout=widgets.Layout(width="auto"))
            for n in range(1, len(self.items) + 1)
        ]
        for menu in self.menus:
            menu.observe(self._changed, names="value")
        return [rows(self.menus)]

    def _read(self):
        order = [menu.value or None for menu in self.menus]
        return None if all(item is None for item in order) else order

    def _show(self, value):
        value = list(value or [])
        for n, menu in enumerate(self.menus):
            menu.value = (value[n] or EMPTY_MENU) if n < len(value) else EMPTY_MENU

    def _fields(self):
        return {"items": self.items}

    def _refresh_status(self):
        chosen = [item for item in (self._read() or []) if item is not None]
        if len(chosen) != len(set(chosen)):
            self._say("!", _("An item is used twice: each item belongs in one position only."))
        else:
            super()._refresh_status()

    def example(self):
        shown = [_typed(self.items[self._shuffled[i]]) for i in self._shown()[:2]]
        return f"{self.id}.answer([{', '.join(shown)}, ...])"

    def _choices_text(self):
        return [_("  Item: {item}").format(item=self.items[self._shuffled[i]])
                for i in self._shown()]
