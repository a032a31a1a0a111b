"""Numbers put into a translated sentence with .format() follow the trainee's language."""

from __future__ import annotations

import pytest

from toolbox_widgets.trainee import i18n


@pytest.fixture
def language():
    def use(code):
        i18n._state["language"] = code
    yield use
    i18n._state["language"] = i18n.ENGLISH


def test_english_is_python_format(language):
    language("en")
    assert i18n._("{n:,.0f} people, {share:.1f}%").format(n=1234567, share=2.5) == (
        "1,234,567 people, 2.5%")


def test_french_uses_a_decimal_comma_and_thin_spaces(language):
    language("fr")
    text = i18n.Message("{n:,.0f} personnes, {share:.1f} %").format(n=1234567, share=2.5)
    assert text == "1\u202f234\u202f567 personnes, 2,5 %"


def test_spanish_groups_only_five_digits_and_more(language):
    language("es")
    message = i18n.Message("{a:,.0f} y {b:,.0f}; {c:.2f}")
    assert message.format(a=2500, b=25000, c=0.5) == "2500 y 25\u00a0000; 0,50"


def test_text_fields_and_booleans_are_left_alone(language):
    language("fr")
    assert i18n.Message("{name}: {flag}").format(name="v1.2", flag=True) == "v1.2: True"
