"""A single choice that is locked before its consequence is shown: one step of a stepper.

A stepper (Module 1, notebook 2) tells what happens after each choice. Shown at once, the
story would let a trainee try every option until the story looks good, and the grade would
measure nothing. So the trainee chooses, then presses "Lock my choice": only then is the
answer saved (and so graded) and the options frozen. The saved answer is the lock, so
reopening the notebook shows the step locked.

The stories live in the hidden test, with the key and its explanation:
``q.grade(key, why=..., consequences={option id: what happens next})``. The class version
has no hidden tests, so it holds no story at all: the trainee reads the story of their
choice in nbgrader's feedback, after grading. The self-study version gets its hidden tests
back (course/selfstudy.py), so there the story appears under the step once it is locked.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from .controls import literal_dollars
from .exercises import AnswerError, SingleChoice
from .i18n import N_, _

LOCK = N_("Lock my choice")
NEXT = N_("What happens next:")
PENDING = N_("Your choice: {answer}. It is not saved yet: press “Lock my choice” to make it "
             "final and see what happens next. A locked choice cannot be changed.")
# The class version tells no story in the notebook: the feedback after grading does.
PENDING_GRADED = N_("Your choice: {answer}. It is not saved yet: press “Lock my choice” to "
                    "make it final. A locked choice cannot be changed.")
LOCKED = N_("your answer {answer}, locked: this choice is final.")
LOCKED_GRADED = N_("your answer {answer}, locked: this choice is final. It is graded after you "
                   "submit, and your feedback then tells what happens next.")
LOCKED_SELF_STUDY = N_("your answer {answer}, locked: this choice is final. Press “Check my "
                       "answer” to see if it is right.")
ALREADY_LOCKED = N_("Exercise {id} is locked: your choice {answer} is final and stays as it is.")
LOCK_FIRST = N_("Choose an option, then press “Lock my choice”.")


class LockedChoice(SingleChoice):
    """The stories ({option id: what happens next}) come from the hidden test's ``grade``."""

    how_to = N_("Choose one option above and press “Lock my choice”, or type {example} in a "
                "code cell.")
    do = N_("Choose one option above, then press “Lock my choice”.")

    def __init__(self, book, exercise_id, prompt, options, **kwargs):
        self.consequences: dict = {}  # known only once the hidden test has run
        self.locked = exercise_id in book.store
        self.story = widgets.HTML("")
        super().__init__(book, exercise_id, prompt, options, **kwargs)
        if self.locked and self._read() is None:
            self.locked = False  # a saved answer that no longer fits: the step is open again
        # The lock button is drawn by the options' own control (controls.ChoiceGroup): a
        # press then always reaches Python after the choice it locks.
        self.control.lock_label = _(LOCK)
        self.control.observe(lambda _change: self.lock(), names="lock_pressed")
        # The story just under the status line.
        children = list(self.children)
        children.insert(children.index(self.feedback) + 1, self.story)
        self.children = children
        self._show_lock()
        self._refresh_status()

    # --- the pending choice and the lock -----------------------------------------------
    def _pending(self):
        """What the options show now, locked or not."""
        return super()._read()

    def _read(self):
        # Only a locked choice is an answer: it alone is saved, checked and graded.
        return self._pending() if getattr(self, "locked", False) else None

    def _changed(self, _change=None) -> None:
        if self._restoring:
            return
        if self.locked:  # a change from code, past the frozen options: put the lock back
            self._show_quietly(self.book.store.get(self.id))
            return
        self._refresh_status()

    def lock(self) -> None:
        """Save the chosen option as the final answer and tell what happens next."""
        if self.locked:
            return
        value = self._pending()
        if value is None:
            self._say("○", _(LOCK_FIRST))
            return
        self.book.store.set(self.id, value)
        self.locked = True
        self._show_lock()
        self._refresh_status()

    def press_lock(self) -> None:
        """As pressing "Lock my choice" in the page does."""
        self.control.lock_pressed += 1

    def _show_lock(self) -> None:
        self.control.disabled = self.locked
        story = self._story()
        if story:
            self.story.value = (f'<p role="status" aria-live="polite"><strong>'
                                f"{html.escape(_(NEXT))}</strong> "
                                f"{literal_dollars(story)}</p>")
        else:
            self.story.value = ""

    def _story(self) -> str:
        """The locked choice's story, if the hidden test has told it (self-study only)."""
        return self.consequences.get(self._read(), "") if self.locked else ""

    def answer(self, value) -> None:
        """Plain Python, exactly as choosing and pressing "Lock my choice"."""
        if self.locked:
            print(_(ALREADY_LOCKED).format(id=self.id, answer=self.describe(self._read())))
            return
        try:
            normalized = self._normalize(value)
        except AnswerError:
            super().answer(value)  # says why the answer could not be used
            return
        self._show(normalized)
        self.lock()
        print(_("Exercise {id}: saved your answer {answer}.").format(
            id=self.id, answer=self.describe(normalized)))
        if self._story():
            print(f"{_(NEXT)} {self._story()}")

    def check(self):
        if not self.locked and self._pending() is not None:
            self._say("○", self._pending_text())
            return None
        return super().check()

    def grade(self, key, why: str = "", *, consequences: dict | None = None, **options):
        """The hidden test: the key, its explanation and every option's story.

        Self-study: the story of the locked choice appears under the step. Class: the
        story goes with the explanation into the grading feedback, never into the notebook.
        """
        stories = dict(consequences or {})
        missing = set(self.options) ^ set(stories)
        if missing:  # the author's mistake: stop the build, naming the exercise
            raise ValueError(f"Exercise {self.id}: every option needs one consequence, "
                             f"and only the options: check {sorted(missing)}.")
        self.consequences = stories
        if self.self_study:
            result = super().grade(key, why, **options)
            self._show_lock()
            return result
        story = self._story()
        if story:
            why = f"{_(NEXT)} {story} {why}".strip()
        return super().grade(key, why, **options)

    def _pending_text(self) -> str:
        text = PENDING if self.self_study else PENDING_GRADED
        return _(text).format(answer=self.describe(self._pending()))

    def _refresh_status(self) -> None:
        building = not hasattr(self, "story") or not self.control.lock_label
        if building or self.book.store.problem:
            super()._refresh_status()
        elif self.locked:
            if self.practice:
                text = LOCKED
            else:
                text = LOCKED_SELF_STUDY if self.self_study else LOCKED_GRADED
            self._saved(_(text).format(answer=self.describe(self._read())))
        elif self._pending() is not None:
            self._say("○", self._pending_text())
        else:
            super()._refresh_status()

    def text_form(self) -> str:
        text = super().text_form()
        if self._story():
            text += "\n" + f"{_(NEXT)} {self._story()}"
        return text
