"""What a trainee reads after "Check my answer": hints for practice, and the words of
the self-study version. Kept together so that translators find them in one place.

The constants are marked with N_ for the package catalog and translated where they are
shown, with _(), so that they follow the language chosen at run time.

Signs: ✔ ◐ ✘ ○ always speak of correctness; "Saved" (a tag, no tick) speaks of saving.
"""

from __future__ import annotations

from .i18n import N_, _, ngettext
from .numbers import show
from .scoring import ordered_pairs

SAVED_TAG = N_("Saved")
CHECK = N_("Check my answer")
SHOW = N_("Show the answer")
TRY_AGAIN = N_("Try again, or press “Show the answer”.")
NO_KEY_YET = N_("Run the cell just below this exercise first: it holds what your answer is "
                "checked against.")
CHOOSE_FIRST = N_("Choose an answer first.")
SAVED_GRADED = N_("your answer {answer}. It is graded after you submit.")
SAVED_SELF_STUDY = N_("your answer {answer}. Press “Check my answer” to see if it is right.")
THE_ANSWER = N_("The answer: {answer}.")
SCORE = N_("Your score in this notebook so far: {earned} of {total} points.")
SCORE_DETAIL = N_("Exercises checked: {checked} of {count}. Written reflections are for you: "
                  "they are not scored in the self-study version.")
SCORE_LINE = N_("{sign} Exercise {exercise}: {earned} of {total} points.")
SCORE_OPEN = N_("○ Exercise {exercise}: not checked yet.")
SCORE_NOTHING = N_("This notebook has no exercise that is scored automatically.")
# The overview's points table in the self-study version (overview.py).
POINTS_CHECKED = N_("Points scored with “Check my answer”")
# Optional code tasks in the self-study version (code_task.py): checked in the cell itself.
CODE_TASK_OPEN = N_("Optional code task {id} is not answered. It is a bonus. To try it, replace "
                    "None with your code and run the cell again.")
CODE_TASK_SAVED = N_("Saved: code task {id}, you gave {value}.")
# The answers file in the self-study version (answers.py): there is no instructor to ask.
FILE_UNREADABLE = N_("The answers file {name} could not be read ({reason}). {where} Saved "
                     "answers from it are not shown: answer the exercises again.")
DISK_FULL = N_("Your last answer could not be saved because the disk is full. Your earlier "
               "answers are safe. Free some space on the disk, then change the answer again "
               "to save it.")
NOT_WRITTEN = N_("Your last answer could not be saved ({reason}). Your earlier answers are "
                 "safe. Change the answer again to save it; if it fails again, copy the "
                 "notebook's folder to a place where you can save files.")


def points(value: float) -> str:
    """Points as the trainee's language writes a number: 1, 1.5 (French: 1,5)."""
    return show(round(value, 2))


def hint(kind: str, value, key) -> str:
    """A first nudge after a wrong practice answer, which does not give the answer away.

    ``kind`` is the exercise's code in scoring.py ("number", "multiple_choice", …)."""
    if kind == "number":
        return (_("Your number is too high: try a smaller one.") if value > key
                else _("Your number is too low: try a larger one."))
    if kind == "multiple_choice":
        right = len(set(value) & set(key))
        return (ngettext("Options you ticked that are right: {right} of {ticked}.",
                         "Options you ticked that are right: {right} of {ticked}.",
                         len(value)).format(right=right, ticked=len(value)) + " "
                + ngettext("Right options in all: {count}.", "Right options in all: {count}.",
                           len(key)).format(count=len(key)))
    if kind == "matching":
        right = sum(value.get(item) == match for item, match in key.items())
        return ngettext("Pairs that match: {right} of {total}.",
                        "Pairs that match: {right} of {total}.",
                        len(key)).format(right=right, total=len(key))
    if kind == "ordering":  # counted as the scorer counts: pairs in the right order
        agree, total, _place = ordered_pairs(value, key)
        return ngettext("{agree} of {total} pair of items is in the right order.",
                        "{agree} of {total} pairs of items are in the right order.",
                        total).format(agree=agree, total=total)
    return _("That is not the best answer. Read the options again and choose another one.")
