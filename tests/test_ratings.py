"""The rating grid (Module 1's data-gap audit and policy-coherence self-assessment) without
a browser: every menu labelled, ratings saved at each change and brought back on reopening,
the starting point kept for a later comparison, bad answers refused in plain words, and the
notebook's report redrawn as the ratings change."""

from __future__ import annotations

import datetime
import json

import nbformat
import pytest

from toolbox_widgets import Workbook
from toolbox_widgets.course.student_view import builds_control_or_chart

SOURCES = {"census": "Population census", "survey": "Household survey"}
SCALES = {"reach": ("smallest area reached", ["Not available", "Whole country", "Municipality"]),
          "updated": ("how often updated", ["Never", "Every ten years", "Every year"])}
LEVELS = {"level": ("how far it is true", ["Not in place", "Started", "Partly", "Working"])}


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return Workbook("unit", folder=tmp_path)


def saved(book) -> dict:
    return json.loads(book.store.path.read_text())["answers"]


def reopen(book) -> Workbook:
    """A new kernel: nothing in memory, only the answers file."""
    return Workbook(book.name, folder=book.store.folder)


def audit(book, **kwargs):
    return book.rating_grid("a1", "Rate your sources", SOURCES, SCALES, **kwargs)


def test_every_menu_is_labelled_with_its_item_and_question(book):
    grid = audit(book)
    labels = [menu.description for menu in grid.menus.values()]
    assert labels == ["Population census: smallest area reached",
                      "Population census: how often updated",
                      "Household survey: smallest area reached",
                      "Household survey: how often updated"]
    # With one question, the item alone names the menu.
    single = book.rating_grid("c1", "Rate", {"data": "We have data."}, LEVELS)
    assert [m.description for m in single.menus.values()] == ["We have data."]
    # Each menu starts unrated: an empty grid is no answer.
    assert grid.value is None and "a1" not in book.store


def test_a_rating_chosen_in_a_menu_is_saved_and_comes_back_on_reopening(book):
    grid = audit(book)
    grid.menus["census", "reach"].value = 2
    grid.menus["survey", "updated"].value = 0  # the first choice is a rating, not "unrated"
    expected = {"ratings": {"census": {"reach": 2}, "survey": {"updated": 0}}}
    assert saved(book)["a1"]["value"] == expected
    again = audit(reopen(book))
    assert again.value == expected
    assert again.menus["census", "reach"].value == 2
    assert again.menus["census", "updated"].value == ""  # still unrated
    assert "2 of 4 ratings chosen" in again.feedback.value
    # Back to "not rated" everywhere: the answer is cleared from the file.
    grid.menus["census", "reach"].value = ""
    grid.menus["survey", "updated"].value = ""
    assert "a1" not in saved(book)


def test_the_starting_point_is_kept_with_its_day_and_shown_after_reopening(book):
    grid = book.rating_grid("c1", "Rate", {"data": "We have data.", "budget": "We budget."},
                            LEVELS, compare=True)
    grid.keep_as_before()  # nothing rated yet: nothing to keep, and it says so
    assert grid.before() is None and "nothing to keep" in grid.feedback.value
    grid.answer({"data": 1, "budget": 0})
    grid.keep_as_before()
    grid.answer({"data": 3, "budget": "Partly"})  # later ratings leave the starting point alone
    value = saved(book)["c1"]["value"]
    today = datetime.date.today().isoformat()
    assert value == {"ratings": {"data": {"level": 3}, "budget": {"level": 2}},
                     "before": {"ratings": {"data": {"level": 1}, "budget": {"level": 0}},
                                "saved": today}}
    again = book.rating_grid("c1", "Rate", {"data": "We have data.", "budget": "We budget."},
                             LEVELS, compare=True)
    fresh = reopen(book).rating_grid("c1", "Rate", {"data": "We have data.",
                                                     "budget": "We budget."}, LEVELS,
                                     compare=True)
    for grid_now in (again, fresh):
        assert grid_now.before() == {"data": {"level": 1}, "budget": {"level": 0}}
        assert grid_now.ratings() == {"data": {"level": 3}, "budget": {"level": 2}}
        assert grid_now.before_saved() == today
        assert f"starting point of {today} is kept" in grid_now.feedback.value


@pytest.mark.parametrize("answer, problem", [
    ([1, 2], "give the ratings as a dict"),
    ({"passport": {"reach": 1}}, "'passport' is not one of the items"),
    ({"census": {"colour": 1}}, "'colour' is not one of the questions"),
    ({"census": {"reach": 7}}, "7 is not one of the choices for Population census: smallest area"),
    ({"census": {"reach": True}}, "True is not one of the choices"),
    ({"census": 1}, "give one rating per question for Population census"),
])
def test_a_bad_answer_is_refused_in_words_and_nothing_is_saved(book, capsys, answer, problem):
    grid = audit(book)
    grid.answer({"census": {"reach": 1}})
    grid.answer(answer)
    assert problem in capsys.readouterr().out
    assert saved(book)["a1"]["value"] == {"ratings": {"census": {"reach": 1}}}


def test_a_saved_value_the_grid_no_longer_knows_opens_unanswered_and_stays_in_the_file(book):
    book.store.set("a1", {"ratings": {"passport": {"reach": 1}}})
    grid = audit(reopen(book))
    assert grid.value is None
    assert saved(book)["a1"]["value"] == {"ratings": {"passport": {"reach": 1}}}


def test_the_report_is_drawn_on_demand_and_then_follows_every_change(book):
    seen = []
    grid = audit(book, report=lambda g: seen.append(g.ratings()), button="Show my gap list")
    grid.menus["census", "reach"].value = 1
    assert seen == []  # nothing drawn until the trainee asks
    grid.show_report()
    grid.menus["census", "updated"].value = 2
    assert seen == [{"census": {"reach": 1}}, {"census": {"reach": 1, "updated": 2}}]
    # Reopening redraws nothing by itself: restoring is not a change.
    audit(reopen(book), report=lambda g: seen.append("again"), button="Show my gap list")
    assert "again" not in seen


def test_under_nbgrader_the_grid_is_text_and_never_required(book, monkeypatch):
    grid = audit(book)
    grid.answer({"census": {"reach": 2, "updated": 1}})
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    text = grid._repr_mimebundle_()["text/plain"]
    assert "Population census: smallest area reached → Municipality" in text
    assert "Household survey: how often updated → not rated" in text
    # Not graded: an empty grid does not keep Validate from passing.
    other = Workbook("other", folder=book.store.folder)
    other.rating_grid("a1", "Rate your sources", SOURCES, SCALES)
    other.progress()


def test_the_cell_that_builds_a_grid_is_folded_in_the_student_version():
    cell = nbformat.v4.new_code_cell('a1 = book.rating_grid("a1", "Rate", SOURCES, SCALES)\na1')
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True}
    assert builds_control_or_chart(cell)


def test_groups_put_headings_above_their_items_and_must_hold_every_item_once(book):
    items = {"data": "We have data.", "laws": "We know the laws.", "budget": "We budget."}
    groups = {"Mapping the local context": ["data", "laws"],
              "Implementation and sustainability": ["budget"]}
    grid = book.rating_grid("c1", "Rate", items, LEVELS, groups=groups)
    shown = [getattr(child, "value", "") for child in grid.children[1:]]
    assert "<strong>Mapping the local context</strong>" in shown[0]
    assert "<strong>Implementation and sustainability</strong>" in shown[2]
    assert [m.description for m in grid.children[2].children] == ["We have data.",
                                                                  "We know the laws."]
    grid.answer({"budget": 1})
    text = grid.text_form()
    assert text.index("Implementation and sustainability") < text.index("We budget. → Started")
    with pytest.raises(ValueError, match="every item once"):
        book.rating_grid("c2", "Rate", items, LEVELS, groups={"Only two": ["data", "laws"]})
