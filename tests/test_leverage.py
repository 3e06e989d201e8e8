"""Tests for casekit.leverage: directions of effect, pure factor functions, data handling."""

import csv
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit import leverage as lev
from casekit import paths
from casekit import validate

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


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, "high", True, "0.5"])
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


def test_credibility_counts_years_not_rows():
    assert lev.credibility_from_events([]) == (0.5, 0, 0)
    # bare event types: each row its own year
    value, enforced, backdown = lev.credibility_from_events(["hold", "reprogram", "waiver", "release", "release"])
    assert (enforced, backdown) == (2, 3)
    assert value == pytest.approx(3 / 7)
    # three rows in one year are one enforced year; a release and a waiver in one year one back-down
    rows = [(2013, "hold", "a"), (2013, "hold", "b"), (2013, "suspension", "c"), (2014, "release", "d"),
            (2014, "waiver", "e"), (2015, "release", "f")]
    value, enforced, backdown = lev.credibility_from_events(rows)
    assert (enforced, backdown) == (1, 2) and value == pytest.approx(2 / 5)


def test_certification_is_coded_by_what_was_certified():
    assert lev.code_event("certification", "pak-2016-08-04-no-certification") == "enforced"
    assert lev.code_event("certification", "col-2003-07-08-certification") == ""
    assert lev.code_event("waiver") == "backdown" and lev.code_event("suspension") == "enforced"
    assert lev.code_event("policy") == ""


def test_every_certification_row_is_coded_consistently_with_its_summary():
    # refusals must be in CERTIFICATION_REFUSED, grants must not (read from the summaries, not the code)
    ev = pd.read_csv(paths.DATA / "events.csv", dtype=str, keep_default_na=False)
    for _, row in ev[ev["event_type"] == "certification"].iterrows():
        text = row["summary"].lower()
        refused = any(w in text for w in ("decertif", "does not give", "cannot certify", "not certify", "denied",
                                           "failed demonstrably"))
        assert (row["event_id"] in lev.CERTIFICATION_REFUSED) == refused, row["event_id"]


@settings(deadline=None, database=None, derandomize=True)
@given(st.integers(0, 10), st.integers(0, 10))
def test_more_enforcement_never_lowers_credibility(e, b):
    base = lev.credibility_from_events(["reprogram"] * e + ["waiver"] * b)[0]
    more = lev.credibility_from_events(["reprogram"] * (e + 1) + ["waiver"] * b)[0]
    assert more >= base


def test_pakistan_2011_credibility_counts_the_waivers_and_not_the_old_sanctions():
    # window 2001-2010: the two 2001 waivers (one year) are a back-down; the 1979/1990/1998 sanctions and
    # the 2011 suspension itself are outside the window -> (0 + 1) / (0 + 1 + 2)
    a = lev.assess("Pakistan", 2011)
    assert a.factors["credibility"] == pytest.approx(1 / 3)


def test_pakistan_csf_and_2009_act_waivers_are_coded():
    rec = lev.credibility_record("Pakistan", 2016)
    backdowns = set(rec.loc[rec["code"] == "backdown", "event_id"])
    assert {"pak-2012-09-13-eppa-waiver", "pak-2014-csf-waivers"} <= backdowns


def test_credibility_window_excludes_the_year_assessed():
    rec = lev.credibility_record("Egypt", 2013)
    assert rec["year"].max() <= 2012 and rec["year"].min() >= 2003


# ---- judgments files --------------------------------------------------------------------------
def _source_ids():
    ids = set()
    with open(paths.DATA / "sources.csv", encoding="utf-8", newline="") as fh:
        ids |= {row["source_id"] for row in csv.DictReader(fh)}
    return ids


def _sources():
    with open(paths.DATA / "sources.csv", encoding="utf-8", newline="") as fh:
        return {row["source_id"]: row for row in csv.DictReader(fh)}


THEORY = {"SEED-CNAS-2015", "LADWIG-2016", "POWELL-2019", "SVENSSON-2003", "TANKEL-DALTON-2017", "BAPAT-2011"}


@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_judgments_by_period_complete_cited_and_dated(country):
    j = lev.load_judgments(country)
    sources = _sources()
    for f in lev.JUDGMENT_FACTORS:
        for e in j[f]:
            first, last = e["period"]
            assert 0 <= e["low"] <= e["value"] <= e["high"] <= 1
            assert len(e["justification"]) > 40
            assert set(e["source_ids"]) <= set(sources), f"{country} {f}: unknown source ids"
            # evidence available when the period starts (by the end of its first year)
            assert e["evidence_date"][:4] <= str(first), f"{country} {f} {first}-{last}: evidence {e['evidence_date']}"
            late = [s for s in e["source_ids"] if s not in THEORY and sources[s]["date"][:4] > str(first)]
            if late:
                assert e["later_knowledge"], f"{country} {f} {first}-{last} cites {late} without saying so"


def test_a_year_outside_every_period_is_neutral_and_says_so():
    a = lev.assess("Egypt", 2008)
    for f in lev.JUDGMENT_FACTORS:
        assert a.factors[f] == lev.NEUTRAL
        assert a.ranges[f] == lev.NEUTRAL_RANGE
    assert "no case judgment covers 2008" in a.explain()


def test_judgments_change_with_the_year():
    # Egypt's 2013 regime cost no longer applies in 2017; Pakistan's 2011 U.S. dependence not in 2016
    assert lev.assess("Egypt", 2013).factors["regime_cost"] != lev.assess("Egypt", 2017).factors["regime_cost"]
    assert lev.assess("Pakistan", 2016).factors["us_dependence"] < lev.assess("Pakistan", 2011).factors["us_dependence"]


# ---- assess() with the real data ----------------------------------------------------------------
@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_assess_every_country(country):
    a = lev.assess(country)
    assert 0.0 <= a.score <= 1.0
    assert set(a.factors) == set(lev.FACTORS)
    assert all(0.0 <= v <= 1.0 for v in a.factors.values())
    assert sum(a.contributions.values()) == pytest.approx(1.0)
    text = a.explain()
    assert country in text and "not a forecast" in text and "range" in text
    assert a.most_sensitive() in lev.FACTORS


def test_overrides_apply_and_are_reported():
    a = lev.assess("Egypt", 2013, alignment=0.9, credibility=0.1)
    assert a.factors["alignment"] == 0.9 and a.factors["credibility"] == 0.1
    assert "set by hand" in a.explain().lower()
    b = lev.assess("Egypt", 2013, alignment=0.1, credibility=0.1)
    assert a.score > b.score


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("Egypt", 2013), {"alignment": 1.5}, "alignment must be a number from 0 to 1"),
        (("Egypt", 2013), {"alignment": True}, "True/False is not a number"),
        (("Egypt", 2013), {"alignment": "0.5"}, "without quotes"),
        (("Egypt", 2013), {"alignmnet": 0.5}, "did you mean 'alignment'"),
        (("Egypt", True), {}, "year must be a whole number"),
        (("Egypt", "abc"), {}, "year must be a whole number"),
        (("Egypt", 2013.5), {}, "not a whole number"),
        (("Columbia", 2013), {}, "did you mean 'Colombia'"),
        (("Narnia",), {}, "country must be one of Egypt"),
    ],
)
def test_bad_inputs_refused_in_one_line(args, kwargs, message):
    with pytest.raises(validate.InputError, match=message) as info:
        lev.assess(*args, **kwargs)
    assert "\n" not in str(info.value)


def test_egypt_steady_aid_gives_full_lock_in():
    # Rand & Tankel (2015): $1.3 billion in security assistance each year FY2009-FY2014,
    # so over the five fiscal years before 2015 the coefficient of variation is zero.
    a = lev.assess("Egypt", 2015)  # the five fiscal years before 2015: FY2010-FY2014
    assert a.factors["lock_in"] == pytest.approx(1.0)


def test_years_before_the_data_use_earlier_years_only():
    a = lev.assess("Pakistan", 1995)
    assert 0.0 <= a.score <= 1.0
    for f in ("dependence", "lock_in", "outside_options"):
        note = a.notes[f].replace("before 1995", "")
        years = [int(y) for y in __import__("re").findall(r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})(?![0-9])", note)]
        assert all(y < 1995 for y in years), a.notes[f]


def test_dependence_uses_five_year_averages_of_the_raw_series():
    # recomputed here from the raw series (aid and military spending by year), not from the factor code
    frame = lev.dependence_series("Egypt")
    years = [y for y in frame.index if 2012 <= y <= 2016]
    share = frame.loc[years, "aid"].mean() / frame.loc[years, "milex"].mean()
    assert lev.assess("Egypt", 2017).factors["dependence"] == pytest.approx(min(1.0, share / 0.5))


def test_dependence_does_not_swing_with_the_egyptian_pound():
    # Egypt's military spending in current dollars fell by about 40% from 2016 to 2017 when the pound
    # was floated (SIPRI, data/context.csv); the raw yearly share jumps, the averaged factor barely moves
    frame = lev.dependence_series("Egypt")
    raw = [min(1.0, frame.loc[y, "share"] / 0.5) for y in range(2015, 2020)]
    avg = [lev.assess("Egypt", y + 1).factors["dependence"] for y in range(2015, 2020)]
    raw_swing = max(abs(a - b) for a, b in zip(raw, raw[1:]))
    avg_swing = max(abs(a - b) for a, b in zip(avg, avg[1:]))
    assert raw_swing > 0.25
    assert avg_swing < raw_swing / 2


def test_no_data_factor_uses_the_year_assessed_or_later():
    a = lev.assess("Egypt", 2013)
    for f in ("dependence", "lock_in", "outside_options"):
        years = [int(y) for y in __import__("re").findall(r"(?<![0-9])(20[0-9]{2})(?![0-9])", a.notes[f])]
        assert years and max(years) <= 2012, a.notes[f]


def test_rank_with_ties_groups_overlapping_ranges():
    class A:
        def __init__(self, country, score, low, high):
            self.country, self.score, self._band = country, score, (low, high)

        def band(self):
            return self._band

    # the example: Bahrain 0.297, Egypt 0.291, Pakistan 0.278, ranges 0.21-0.37 -> a three-way tie
    a, b, c = A("Bahrain", 0.297, 0.21, 0.37), A("Egypt", 0.291, 0.22, 0.36), A("Pakistan", 0.278, 0.21, 0.35)
    d = A("Iraq", 0.60, 0.50, 0.70)
    groups = lev.rank_with_ties([c, b, a, d])
    assert [[x.country for x in g] for g in groups] == [["Iraq"], ["Bahrain", "Egypt", "Pakistan"]]
    assert d.rank == 1 and a.rank == b.rank == c.rank == 3  # places 2, 3, 4 shared
    assert set(a.ties) == {"Egypt", "Pakistan"}
    # a chain: x overlaps y, y overlaps z, x is clearly above z
    x, y, z = A("x", 0.5, 0.4, 0.6), A("y", 0.35, 0.3, 0.45), A("z", 0.2, 0.1, 0.32)
    lev.rank_with_ties([x, y, z])
    assert x.rank < y.rank < z.rank and "x" in y.ties and "z" in y.ties and "z" not in x.ties


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
    year = 2015 if country != "Colombia" else 2003
    a = lev.assess(country, year)
    low, high = a.band()
    assert low <= a.score <= high
    j = lev.judgments_for(country, year)
    pess = lev.assess(country, year, alignment=j["alignment"]["low"], us_dependence=j["us_dependence"]["high"],
                      regime_cost=j["regime_cost"]["high"])
    assert pess.score == pytest.approx(low)
    assert pess.band() == pytest.approx((pess.score, pess.score))
    assert f"{a.score:.2f} (range {low:.2f}-{high:.2f})" == a.shown()


def test_module_source_ids_resolve():
    assert set(lev.SOURCE_IDS) <= _source_ids()
