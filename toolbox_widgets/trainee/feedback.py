"""What a trainee reads after "Check my answer": hints for practice, and the words of
the self-study version. Kept together so that translators find them in one place.

Signs: ✔ ◐ ✘ ○ always speak of correctness; "Saved" (a tag, no tick) speaks of saving.
"""

from __future__ import annotations

SAVED_TAG = "Saved"
CHECK = "Check my answer"
SHOW = "Show the answer"
TRY_AGAIN = "Try again, or press “Show the answer”."
NO_KEY_YET = ("Run the cell just below this exercise first: it holds what your answer is "
              "checked against.")
CHOOSE_FIRST = "Choose an answer first."
SAVED_GRADED = "your answer {answer}. It is graded after you submit."
SAVED_SELF_STUDY = "your answer {answer}. Press “Check my answer” to see if it is right."
THE_ANSWER = "The answer: {answer}."
SCORE = "Your score in this notebook so far: {earned} of {total} points."
SCORE_DETAIL = ("Exercises checked: {checked} of {count}. Written reflections are for you: "
                "they are not scored in the self-study version.")
SCORE_LINE = "{sign} Exercise {exercise}: {earned} of {total} points."
SCORE_OPEN = "○ Exercise {exercise}: not checked yet."
SCORE_NOTHING = "This notebook has no exercise that is scored automatically."


def points(value: float) -> str:
    value = round(value, 2)
    return f"{int(value) if value == int(value) else value:g}"


def hint(kind: str, value, key) -> str:
    """A first nudge after a wrong practice answer, which does not give the answer away."""
    if kind == "number":
        return ("Your number is too high: try a smaller one." if value > key
                else "Your number is too low: try a larger one.")
    if kind == "multiple choice":
        right = len(set(value) & set(key))
        return (f"Options you ticked that are right: {right} of {len(value)}. "
                f"Right options in all: {len(key)}.")
    if kind == "matching pairs":
        right = sum(value.get(item) == match for item, match in key.items())
        return f"Pairs that match: {right} of {len(key)}."
    if kind == "ordering":
        right = sum(a == b for a, b in zip(value, key))
        return f"Items in the right position: {right} of {len(key)}."
    return "That is not the best answer. Read the options again and choose another one."
