"""A rating grid: the trainee rates a list of items on one or more scales, for their
own territory. Not graded: there is no right rating of one's own town.

Module 1 uses it twice: the data-gap audit (each source of migration data rated for
availability and for how recent it is) and the policy-coherence self-assessment (twelve
statements rated 0 to 3). The notebook turns the ratings into a chart and a gap list with
``report``, a function of the grid, so the words stay with the notebook's other words.

Each rating is a labelled menu (a ``<select>``: a screen reader reads its label, the
keyboard alone works), as in the self-assessment. The ratings are saved in the answers
file at every change, as ``{"ratings": {item: {scale: n}}}`` where ``n`` is the position
of the chosen words in the scale (0 = the first). With ``compare=True`` the trainee can
keep the current ratings as a starting point (``"before"``, with the day it was kept) to
compare with later: reopening the notebook, or another day, brings both back.
"""

from __future__ import annotations

import copy
import datetime

import ipywidgets as widgets

from .answers import nbgrader_mode
from .controls import literal_dollars
from .exercises import WIDE, AnswerError, Exercise, fit, rows
from .i18n import N_, _, ngettext

NOT_RATED = ""  # the value of a menu's "— not rated —" entry


class RatingGrid(Exercise):
    """``items`` is the author's {id: words}; ``scales`` is {id: (question, [choices])},
    the choices in order (their position is what is saved). ``groups`` ({heading: [item
    ids]}, optional) shows the items under headings. ``report(grid)`` displays the
    notebook's chart and words for the current ratings; it runs when the trainee presses
    ``button`` and again at every change once shown."""

    kind = N_("rating grid")
    how_to = N_("Choose a rating in each menu above, or type {example} in a code cell.")
    do = N_("Choose a rating in each menu above.")
    auto_graded = False

    def __init__(self, book, exercise_id, prompt, items, scales, *, groups=None, report=None,
                 button: str = "", compare: bool = False, **kwargs):
        self.items = dict(items)
        self.scales = {key: (question, list(choices))
                       for key, (question, choices) in dict(scales).items()}
        if not self.items or not self.scales:
            raise ValueError(f"{exercise_id}: a rating grid needs items and scales")
        groups = groups or {"": list(self.items)}
        self.groups = {heading: list(keys) for heading, keys in groups.items()}
        grouped = [key for keys in self.groups.values() for key in keys]
        if sorted(grouped) != sorted(self.items):
            raise ValueError(f"{exercise_id}: the groups must hold every item once")
        self.report = report
        self.button_words = button
        self.compare = compare
        self._before = None  # {"ratings": ..., "saved": "YYYY-MM-DD"} or None
        self._shown = False  # the report is on screen: redraw it at every change
        kwargs.setdefault("points", 0)
        super().__init__(book, exercise_id, prompt, **kwargs)

    # --- controls ------------------------------------------------------------------------
    def _label(self, item: str, scale: str) -> str:
        words = self.items[item]
        if len(self.scales) == 1:
            return words
        return _("{item}: {question}").format(item=words, question=self.scales[scale][0])

    def _build(self):
        self.menus: dict[tuple[str, str], widgets.Dropdown] = {}
        for item in self.items:
            for scale, (_question, choices) in self.scales.items():
                options = [(_("— not rated —"), NOT_RATED)] + [
                    (words, n) for n, words in enumerate(choices)]
                menu = widgets.Dropdown(
                    options=options, value=NOT_RATED,
                    description=literal_dollars(self._label(item, scale)),
                    description_allow_html=True, style=WIDE,
                    layout=widgets.Layout(width="auto"))
                menu.observe(self._changed, names="value")
                self.menus[item, scale] = menu
        body = []
        for heading, keys in self.groups.items():
            if heading:  # a heading in words above its items, for every reader
                body.append(widgets.HTML(f"<p><strong>{literal_dollars(heading)}</strong></p>"))
            body.append(rows([self.menus[key, scale] for key in keys for scale in self.scales]))
        buttons = []
        if self.report is not None and self.button_words:
            show = widgets.Button(description=self.button_words, layout=fit(),
                                  tooltip=self.button_words)
            show.on_click(lambda _button: self.show_report())
            buttons.append(show)
        if self.compare:
            keep = widgets.Button(
                description=_("Keep these ratings as my starting point"), layout=fit(),
                tooltip=_("Keep a copy of these ratings, to compare with your ratings later"))
            keep.on_click(lambda _button: self.keep_as_before())
            buttons.append(keep)
        if buttons:
            body.append(widgets.HBox(buttons))
        self.output = widgets.Output()
        body.append(self.output)
        return body

    # --- the answer ----------------------------------------------------------------------
    def ratings(self) -> dict[str, dict[str, int]]:
        """The ratings chosen now: {item: {scale: position of the choice}}."""
        found: dict[str, dict[str, int]] = {}
        for (item, scale), menu in self.menus.items():
            if menu.value != NOT_RATED:
                found.setdefault(item, {})[scale] = int(menu.value)
        return found

    def before(self) -> dict[str, dict[str, int]] | None:
        """The ratings kept as the starting point, or None."""
        return copy.deepcopy(self._before["ratings"]) if self._before else None

    def before_saved(self) -> str:
        """The day the starting point was kept (YYYY-MM-DD), or ""."""
        return self._before.get("saved", "") if self._before else ""

    def _read(self):
        value = {}
        if self.ratings():
            value["ratings"] = self.ratings()
        if self._before:
            value["before"] = copy.deepcopy(self._before)
        return value or None

    def _show(self, value):
        value = value or {}
        if "before" in value or value == {}:  # ratings alone leave the starting point as it is
            self._before = copy.deepcopy(value.get("before"))
        ratings = value.get("ratings", {})
        for (item, scale), menu in self.menus.items():
            menu.value = ratings.get(item, {}).get(scale, NOT_RATED)
        self._changed()  # a `before` alone changes no menu: save it all the same

    def _normalize(self, value):
        if not isinstance(value, dict):
            raise AnswerError(_("give the ratings as a dict, for example {example}.").format(
                example=self._example_value()))
        if set(value) <= {"ratings", "before"} and value:
            ratings = self._ratings(value.get("ratings", {}))
            before = value.get("before")
            if before is not None:
                if not isinstance(before, dict):
                    raise AnswerError(_("the starting point is not a set of ratings."))
                saved = before.get("saved", "")
                before = {"ratings": self._ratings(before.get("ratings", {})),
                          "saved": saved if isinstance(saved, str) else ""}
            return {"ratings": ratings, **({"before": before} if before else {})}
        return {"ratings": self._ratings(value)}

    def _ratings(self, value) -> dict[str, dict[str, int]]:
        """Ratings checked against the grid; with one scale, {item: n} is enough, and a
        choice may be given by its words."""
        if not isinstance(value, dict):
            raise AnswerError(_("give the ratings as a dict, for example {example}.").format(
                example=self._example_value()))
        ratings: dict[str, dict[str, int]] = {}
        for item, given in value.items():
            if item not in self.items:
                raise AnswerError(_("{value} is not one of the items.").format(value=repr(item)))
            if isinstance(given, dict):
                per_scale = given
            elif len(self.scales) == 1:
                per_scale = {next(iter(self.scales)): given}
            else:
                raise AnswerError(_("give one rating per question for {item}.").format(
                    item=self.items[item]))
            for scale, choice in per_scale.items():
                if scale not in self.scales:
                    raise AnswerError(_("{value} is not one of the questions.").format(
                        value=repr(scale)))
                ratings.setdefault(item, {})[scale] = self._position(item, scale, choice)
        return ratings

    def _position(self, item: str, scale: str, choice) -> int:
        """A choice as its position in the scale; given by its words, or by its position."""
        choices = self.scales[scale][1]
        position = choices.index(choice) if isinstance(choice, str) and choice in choices \
            else choice
        if isinstance(position, bool) or not isinstance(position, int) \
                or not 0 <= position < len(choices):
            raise AnswerError(_("{value} is not one of the choices for {item}.").format(
                value=repr(choice), item=self._label(item, scale)))
        return position

    # --- the starting point and the report -----------------------------------------------
    def keep_as_before(self) -> None:
        """Keep the current ratings as the starting point, saved with the answers."""
        if not self.ratings():
            self._say("○", _("Rate at least one item first: there is nothing to keep yet."))
            return
        self._before = {"ratings": self.ratings(),
                        "saved": datetime.date.today().isoformat()}
        self._changed()
        if self._shown:
            self.show_report()

    def show_report(self) -> None:
        """Show the notebook's chart and words for the ratings, and keep them up to date."""
        if self.report is None:
            return
        self._shown = True
        if nbgrader_mode():  # no browser draws the Output widget: show it in the cell
            self.report(self)
            return
        self.output.clear_output(wait=True)
        with self.output:
            self.report(self)

    def _changed(self, _change=None) -> None:
        super()._changed(_change)
        if self._shown and not self._restoring:
            self.show_report()

    # --- words ---------------------------------------------------------------------------
    def count(self) -> tuple[int, int]:
        """(ratings chosen, ratings asked for)."""
        return sum(len(s) for s in self.ratings().values()), len(self.menus)

    def _refresh_status(self):
        if self.book.store.problem:
            self._say("!", self.book.store.problem)
            return
        rated, total = self.count()
        text = ngettext("{rated} of {count} rating chosen. Not graded.",
                        "{rated} of {count} ratings chosen. Not graded.", total).format(
            rated=rated, count=total)
        if self._before:
            text += " " + _("Your starting point of {day} is kept for comparison.").format(
                day=self.before_saved() or "?")
        if rated or self._before:
            self._saved(text)
        else:
            self._say("○", text)

    def status(self) -> None:
        self._refresh_status()
        print(self._plain(self.feedback.value))

    def describe(self, value):
        rated = sum(len(s) for s in (value or {}).get("ratings", {}).values())
        return ngettext("({rated} of {count} rating chosen)",
                        "({rated} of {count} ratings chosen)",
                        len(self.menus)).format(rated=rated, count=len(self.menus))

    def _example_value(self) -> str:
        item = next(iter(self.items))
        if len(self.scales) == 1:
            return f'{{"{item}": 1}}'
        scale = next(iter(self.scales))
        return f'{{"{item}": {{"{scale}": 1}}}}'

    def example(self):
        return f"{self.id}.answer({self._example_value()})"

    def text_form(self) -> str:
        ratings = self.ratings()
        lines = [_("Rating grid {id} — {prompt}").format(id=self.id, prompt=self.prompt)]
        for heading, keys in self.groups.items():
            if heading:
                lines.append(f"  {heading}")
            for item in keys:
                for scale, (_question, choices) in self.scales.items():
                    n = ratings.get(item, {}).get(scale)
                    lines.append(f"  {self._label(item, scale)} → "
                                 + (_("not rated") if n is None else choices[n]))
        if self._before:
            lines.append(_("Starting point kept on {day}.").format(day=self.before_saved()))
        return "\n".join(lines)

