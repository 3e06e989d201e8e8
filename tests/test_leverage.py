"""Tests for casekit.leverage: directions of effect, pure factor functions, data handling."""

import csv
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit import leverage as lev
from casekit import paths

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
factors_st = st.fixed_dictionaries({f: unit for f in lev.FACTORS})
EPS = 1e-12

RAISES = ("dependence", "alignment", "credibility")
LOWERS = ("outside_options", "us_dependence", "lock_in", "regime_cost")


def test_directions_table_matches_the_brief():
    assert {f for f, d in lev.DIRECTIONS.items() if d > 0} == set(RAISES)
    assert {f for f, d in lev.DIRECTIONS.items() if d < 0} == set(LOWERS)


# ---- directions of effect -------------------------------------------------------------------
@pytest.mark.parametrize("factor", RAISES)
@settings(deadline=None, database=None, derandomize=True)
@given(factors=factors_st, a=unit, b=unit)
def test_raising_factors_never_lower_score(factor, factors, a, b):
    lo, hi = sorted((a, b))
    s_lo, _ = lev.score_from_factors({**factors, factor: lo})
    s_hi, _ = lev.score_from_factors({**factors, factor: hi})
    assert s_hi >= s_lo - EPS


@pytest.mark.parametrize("factor", LOWERS)
@settings(deadline=None, database=None, derandomize=True)
@given(factors=factors_st, a=unit, b=unit)
def test_lowering_factors_never_raise_score(factor, factors, a, b):
    lo, hi = sorted((a, b))
    s_lo, _ = lev.score_from_factors({**factors, factor: lo})
    s_hi, _ = lev.score_from_factors({**factors, factor: hi})
    assert s_hi <= s_lo + EPS


@settings(deadline=None, database=None, derandomize=True)
@given(factors_st)
def test_score_in_unit_interval_and_contributions_sum_to_one(factors):
    score, contributions = lev.score_from_factors(factors)
    assert 0.0 <= score <= 1.0
    if score > 0:
        assert sum(contributions.values()) == pytest.approx(1.0)
        assert all(c >= 0 for c in contributions.values())


def test_extremes_by_hand():
    best = {f: (1.0 if lev.DIRECTIONS[f] > 0 else 0.0) for f in lev.FACTORS}
    worst = {f: (0.0 if lev.DIRECTIONS[f] > 0 else 1.0) for f in lev.FACTORS}
    assert lev.score_from_factors(best)[0] == pytest.approx(1.0)
    assert lev.score_from_factors(worst)[0] == pytest.approx(0.0)
    mid = {f: 0.5 for f in lev.FACTORS}
    assert lev.score_from_factors(mid)[0] == pytest.approx(0.5)


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, "high"])
def test_out_of_range_factor_refused(bad):
    factors = {f: 0.5 for f in lev.FACTORS}
    factors["alignment"] = bad
    with pytest.raises(ValueError, match="alignment"):
        lev.score_from_factors(factors)


# ---- pure factor functions, checked by hand ---------------------------------------------------
def test_dependence_mapping():
    assert lev.dependence_from_share(0.25) == pytest.approx(0.5)
    assert lev.dependence_from_share(0.0) == 0.0
    assert lev.dependence_from_share(2.0) == 1.0
    with pytest.raises(ValueError):
        lev.dependence_from_share(float("nan"))


def test_outside_options_is_non_us_share():
    assert lev.outside_options_from_shares({"United States": 0.75, "France": 0.25}) == pytest.approx(0.25)
    assert lev.outside_options_from_shares({"Russia": 1.0}) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown, not zero"):
        lev.outside_options_from_shares({})


def test_lock_in_steady_and_volatile():
    assert lev.lock_in_from_series([1300, 1300, 1300]) == pytest.approx(1.0)
    # mean 50, population sd 50 -> CV 1 -> lock-in 0
    assert lev.lock_in_from_series([100, 0]) == pytest.approx(0.0)
    # mean 150, sd 50 -> CV 1/3
    assert lev.lock_in_from_series([100, 200]) == pytest.approx(1 - 1 / 3)


def test_lock_in_gap_is_not_zero():
    # a gap (NaN) must be dropped, not read as zero (which would make the series look volatile)
    assert lev.lock_in_from_series([100, float("nan"), 100]) == pytest.approx(1.0)


def test_credibility_counts():
    assert lev.credibility_from_events([]) == (0.5, 0, 0)
    value, enforced, backdown = lev.credibility_from_events(["hold", "reprogram", "waiver", "release", "release"])
    assert (enforced, backdown) == (1, 3)
    assert value == pytest.approx(2 / 6)


@settings(deadline=None, database=None, derandomize=True)
@given(st.integers(0, 10), st.integers(0, 10))
def test_more_enforcement_never_lowers_credibility(e, b):
    base = lev.credibility_from_events(["reprogram"] * e + ["waiver"] * b)[0]
    more = lev.credibility_from_events(["reprogram"] * (e + 1) + ["waiver"] * b)[0]
    assert more >= base


def test_nearest_year_prefers_earlier_on_tie_and_skips_gaps():
    s = pd.Series({2010: 1.0, 2011: float("nan"), 2012: 3.0})
    assert lev._nearest(s, 2011) == (1.0, 2010)
    assert lev._nearest(s, 2013) == (3.0, 2012)


# ---- judgments files --------------------------------------------------------------------------
def _source_ids():
    ids = set()
    with open(paths.DATA / "sources.csv", encoding="utf-8", newline="") as fh:
        ids |= {row["source_id"] for row in csv.DictReader(fh)}
    return ids


@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_judgments_complete_and_cited(country):
    j = lev.load_judgments(country)
    known = _source_ids()
    for f in lev.JUDGMENT_FACTORS:
        assert 0 <= j[f]["low"] <= j[f]["value"] <= j[f]["high"] <= 1
        assert len(j[f]["justification"]) > 40
        assert set(j[f]["source_ids"]) <= known, f"{country} {f}: unknown source ids"


# ---- assess() with the real data ----------------------------------------------------------------
@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_assess_every_country(country):
    a = lev.assess(country)
    assert 0.0 <= a.score <= 1.0
    assert set(a.factors) == set(lev.FACTORS)
    assert all(0.0 <= v <= 1.0 for v in a.factors.values())
    assert sum(a.contributions.values()) == pytest.approx(1.0)
    text = a.explain()
    assert country in text and "not a forecast" in text
    assert a.most_sensitive() in lev.FACTORS


def test_overrides_apply_and_are_reported():
    a = lev.assess("Egypt", 2013, alignment=0.9, credibility=0.1)
    assert a.factors["alignment"] == 0.9 and a.factors["credibility"] == 0.1
    assert "set by hand" in a.explain().lower()
    b = lev.assess("Egypt", 2013, alignment=0.1, credibility=0.1)
    assert a.score > b.score


@pytest.mark.parametrize("kwargs, message", [({"alignment": 1.5}, "between 0 and 1"), ({"charm": 0.5}, "unknown factor")])
def test_bad_overrides_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lev.assess("Egypt", 2013, **kwargs)


def test_unknown_country_refused():
    with pytest.raises(ValueError, match="unknown country"):
        lev.assess("Narnia")


def test_egypt_steady_aid_gives_full_lock_in():
    # Rand & Tankel (2015): $1.3 billion in security assistance each year FY2009-FY2014,
    # so over the five fiscal years to 2014 the coefficient of variation is zero.
    a = lev.assess("Egypt", 2014)
    assert a.factors["lock_in"] == pytest.approx(1.0)


def test_missing_year_uses_nearest_and_says_so():
    # Pakistan's annual program figures start in the 2000s; 1995 has no aid data.
    a = lev.assess("Pakistan", 1995)
    text = a.explain()
    assert "nearest" in text
    assert 0.0 <= a.score <= 1.0


def test_sensitivity_respects_bounds_and_direction():
    a = lev.assess("Lebanon", 2019)
    sens = a.sensitivity(0.1)
    for f in RAISES:
        assert sens[f]["up"] >= -EPS and sens[f]["down"] <= EPS
    for f in LOWERS:
        assert sens[f]["up"] <= EPS and sens[f]["down"] >= -EPS
    for f in lev.FACTORS:
        assert sens[f]["to_best"] >= -EPS and sens[f]["to_worst"] <= EPS
    full = a.with_factors(**{f: 1.0 for f in lev.FACTORS})
    assert full.sensitivity(0.1)["alignment"]["up"] == pytest.approx(0.0)


def test_most_sensitive_is_the_factor_with_most_room():
    # all factors at their least favourable value except alignment, set half-way: alignment can move
    # the score 0.10 either way, while regime cost (weight 0.20, at its worst) can move it 0.20.
    worst = {f: (0.0 if lev.DIRECTIONS[f] > 0 else 1.0) for f in lev.FACTORS}
    a = lev.assess("Egypt", 2013, **{**worst, "alignment": 0.5})
    assert a.most_sensitive() == "regime_cost"
    assert a.sensitivity()["regime_cost"]["to_best"] == pytest.approx(0.20)


@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_band_brackets_score_and_matches_judgment_extremes(country):
    a = lev.assess(country)
    low, high = a.band()
    assert low <= a.score <= high
    j = lev.load_judgments(country)
    # most pessimistic judgments: lowest alignment, highest U.S. dependence and regime cost
    pess = lev.assess(country, alignment=j["alignment"]["low"], us_dependence=j["us_dependence"]["high"],
                      regime_cost=j["regime_cost"]["high"])
    assert pess.score == pytest.approx(low)
    assert pess.band() == pytest.approx((pess.score, pess.score))


def test_module_source_ids_resolve():
    assert set(lev.SOURCE_IDS) <= _source_ids()
