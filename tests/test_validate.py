"""casekit.validate: one error style, no silent coercion, closest-match suggestions."""

import math

import numpy as np
import pytest

from casekit import validate as v


@pytest.mark.parametrize("value", [True, False, "0.5", None, [0.5], math.nan, math.inf, -0.01, 1.01])
def test_unit_refuses_what_is_not_a_number_in_0_1(value):
    with pytest.raises(v.InputError, match="alignment must be a number from 0 to 1") as info:
        v.unit("alignment", value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", [0, 1, 0.25, np.float64(0.5), np.int64(1)])
def test_unit_accepts_numbers_and_returns_float(value):
    out = v.unit("x", value)
    assert isinstance(out, float) and out == float(value)


def test_year_is_a_whole_number_and_never_a_bool_or_text():
    assert v.year("year", 2013) == 2013 and v.year("year", 2013.0) == 2013
    for bad, hint in [(True, "True/False"), ("2013", "without quotes"), ("abc", "without quotes"), (2013.5, "whole")]:
        with pytest.raises(v.InputError, match=hint):
            v.year("year", bad)
    with pytest.raises(v.InputError, match="from 1946 to 2035"):
        v.year("year", 1)


@pytest.mark.parametrize(
    "value, allowed, hint",
    [("Columbia", ["Egypt", "Colombia"], "Colombia"), ("defied", ["comply", "partial", "defy"], "defy"),
     ("egypt", ["Egypt", "Iraq"], "Egypt"), ("colombia", ["colombia-cert", "iraq-2014"], "colombia-cert")],
)
def test_choice_names_allowed_values_and_the_closest_match(value, allowed, hint):
    with pytest.raises(v.InputError) as info:
        v.choice("country", value, allowed)
    msg = str(info.value)
    assert all(a in msg for a in allowed)
    assert f"did you mean {hint!r}?" in msg


def test_choice_without_a_close_match_gives_no_suggestion():
    with pytest.raises(v.InputError) as info:
        v.choice("outcome", "zzzzzz", ["comply", "partial", "defy"])
    assert "did you mean" not in str(info.value)


def test_choice_does_not_confuse_true_with_one():
    with pytest.raises(v.InputError):
        v.choice("n", True, [1, 2])
    assert v.choice("n", 1, [1, 2]) == 1


def test_integer_and_boolean():
    assert v.integer("d", 12, 1, 36) == 12
    with pytest.raises(v.InputError, match="not a whole number"):
        v.integer("duration_months", 2.5, 1, 36)
    assert v.boolean("public", True) is True and v.boolean("public", np.bool_(False)) is False
    for bad in (1, 0, "yes", None):
        with pytest.raises(v.InputError, match="True or False"):
            v.boolean("public", bad)


def test_known_keys_catches_a_misspelled_key():
    with pytest.raises(v.InputError, match="did you mean 'egypt-2013'"):
        v.known_keys("predictions", {"egypt-2031x": 1, "egypt-2013": 2}, ["egypt-2013", "iraq-2014"])
    with pytest.raises(v.InputError, match="must be a dictionary"):
        v.known_keys("predictions", [("egypt-2013", "defy")], ["egypt-2013"])


def test_input_error_is_a_value_error_shown_as_one_line_in_ipython():
    err = v.InputError("x must be 1")
    assert isinstance(err, ValueError)
    lines = err._render_traceback_()
    assert len(lines) == 1 and "x must be 1" in lines[0]
