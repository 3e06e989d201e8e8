"""Tests for casekit.conditionality: directions of effect, band, episodes, prediction scoring."""

import csv
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casekit import conditionality as cond
from casekit import paths

EXPECTED_EPISODES = {
    "egypt-2013", "egypt-2017", "bahrain-2011", "bahrain-2016", "pakistan-2011",
    "pakistan-2015", "lebanon-2010", "lebanon-2019", "iraq-2014", "colombia-cert",
}

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
levers_st = st.fixed_dictionaries(
    {
        "share_withheld": unit,
        "withheld_item": st.sampled_from(cond.ITEMS),
        "duration_months": st.integers(min_value=1, max_value=36),
        "public": st.booleans(),
        "reward": unit,
        "reward_credibility": unit,
        "monitoring": unit,
        "waiver": st.booleans(),
    }
)
judgments_st = st.fixed_dictionaries({k: unit for k in cond.JUDGMENTS})
EPS = 1e-12


# ---- directions of effect (property tests on the equation itself) ---------------------------
@settings(deadline=None, database=None, derandomize=True)
@given(levers_st, judgments_st, unit, unit)
def test_more_monitoring_never_lowers_margin(levers, judgments, a, b):
    lo, hi = sorted((a, b))
    assert cond.margin({**levers, "monitoring": hi}, judgments) >= cond.margin({**levers, "monitoring": lo}, judgments) - EPS


@settings(deadline=None, database=None, derandomize=True)
@given(levers_st, judgments_st)
def test_available_waiver_never_raises_margin(levers, judgments):
    assert cond.margin({**levers, "waiver": True}, judgments) <= cond.margin({**levers, "waiver": False}, judgments) + EPS


@settings(deadline=None, database=None, derandomize=True)
@given(levers_st, judgments_st, unit, unit)
def test_more_reward_credibility_never_lowers_margin(levers, judgments, a, b):
    lo, hi = sorted((a, b))
    assert (cond.margin({**levers, "reward_credibility": hi}, judgments)
            >= cond.margin({**levers, "reward_credibility": lo}, judgments) - EPS)


@settings(deadline=None, database=None, derandomize=True)
@given(levers_st, judgments_st, unit, unit)
def test_bigger_reward_never_lowers_margin(levers, judgments, a, b):
    lo, hi = sorted((a, b))
    assert cond.margin({**levers, "reward": hi}, judgments) >= cond.margin({**levers, "reward": lo}, judgments) - EPS


@pytest.mark.parametrize(
    "name, sign",
    [("resolve", +1), ("gain", +1), ("cost", -1), ("us_dependence", -1), ("outside_options", -1), ("lock_in", -1)],
)
@settings(deadline=None, database=None, derandomize=True, max_examples=60)
@given(levers=levers_st, judgments=judgments_st, a=unit, b=unit)
def test_judgment_directions(name, sign, levers, judgments, a, b):
    lo, hi = sorted((a, b))
    m_lo = cond.margin(levers, {**judgments, name: lo})
    m_hi = cond.margin(levers, {**judgments, name: hi})
    if sign > 0:
        assert m_hi >= m_lo - EPS
    else:
        assert m_hi <= m_lo + EPS


@settings(deadline=None, database=None, derandomize=True)
@given(levers_st, judgments_st)
def test_credibility_falls_with_us_dependence_and_waiver(levers, judgments):
    t = cond.terms(levers, judgments)
    t_more_dep = cond.terms(levers, {**judgments, "us_dependence": min(1.0, judgments["us_dependence"] + 0.2)})
    assert t_more_dep["credibility"] <= t["credibility"] + EPS
    t_waiver = cond.terms({**levers, "waiver": True}, judgments)
    t_no = cond.terms({**levers, "waiver": False}, judgments)
    assert t_waiver["credibility"] <= t_no["credibility"] + EPS
    assert 0.0 <= float(t["credibility"]) <= 1.0


def test_classification_thresholds():
    assert cond.classify(0.0) == "comply"
    assert cond.classify(0.01) == "comply"
    assert cond.classify(-0.01) == "partial"
    assert cond.classify(-cond.PARTIAL_BAND) == "partial"
    assert cond.classify(-cond.PARTIAL_BAND - 0.01) == "defy"


def test_margin_matches_hand_calculation():
    # worked by hand from the documented equation, not from the code's output
    levers = dict(share_withheld=0.5, withheld_item="fmf_cash", duration_months=24, public=False,
                  reward=0.2, reward_credibility=0.5, monitoring=1.0, waiver=False)
    judgments = dict(aid_value=0.8, outside_options=0.25, us_dependence=0.0, cost=0.5, gain=0.2,
                     resolve=1.0, lock_in=0.5)
    # A = 0.8 * 0.5 * 1 * (0.5 + 0.5 * 24/24) = 0.4 ; k = 1 ; threat = 1*1*0.4*0.75 = 0.3
    # margin = 0.5*0.2 + 0.3 - 0.5*0.4 - (0.5 - 0.2) = 0.1 + 0.3 - 0.2 - 0.3 = -0.1
    assert cond.margin(levers, judgments) == pytest.approx(-0.1)


# ---- simulate and band --------------------------------------------------------------------
def test_episode_list_is_the_ten_required():
    assert set(cond.episodes()) == EXPECTED_EPISODES
    assert len(cond.episodes()) == 10


@pytest.mark.parametrize("episode", sorted(EXPECTED_EPISODES))
def test_simulate_band_contains_margin_and_is_deterministic(episode):
    r1 = cond.simulate(episode)
    r2 = cond.simulate(episode)
    assert r1.outcome in cond.OUTCOMES
    assert r1.band[0] <= r1.margin <= r1.band[1]
    assert r1.band == r2.band and r1.margin == r2.margin
    assert r1.outcome == cond.classify(r1.margin)


def test_band_collapses_when_all_judgments_fixed():
    ep = cond.get_episode("egypt-2013")
    r = cond.simulate("egypt-2013", **ep.judgments)
    assert r.band[0] == pytest.approx(r.margin)
    assert r.band[1] == pytest.approx(r.margin)


def test_simulate_levers_change_outcome_in_the_documented_direction():
    base = cond.simulate("lebanon-2010")
    better = cond.simulate("lebanon-2010", monitoring=1.0)
    assert better.margin >= base.margin
    with_waiver = cond.simulate("lebanon-2010", waiver=True)
    assert with_waiver.margin <= base.margin


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("share_withheld", 1.5, "between 0.0 and 1.0"),
        ("monitoring", -0.1, "between 0.0 and 1.0"),
        ("duration_months", 0, "between 1 and 36"),
        ("withheld_item", "tanks", "one of"),
        ("waiver", "yes", "True or False"),
        ("cost", 2, "between 0 and 1"),
        ("bribe", 1, "unknown setting"),
    ],
)
def test_simulate_refuses_bad_settings_with_clear_message(setting, value, message):
    with pytest.raises(ValueError, match=message):
        cond.simulate("egypt-2013", **{setting: value})


def test_unknown_episode_is_a_clear_error():
    with pytest.raises(cond.EpisodeDataError, match="unknown episode"):
        cond.simulate("narnia-2020")


# ---- episode records ------------------------------------------------------------------------
def _source_ids():
    ids = set()
    with open(paths.DATA / "sources.csv", encoding="utf-8", newline="") as fh:
        ids |= {row["source_id"] for row in csv.DictReader(fh)}
    return ids


@pytest.mark.parametrize("episode", sorted(EXPECTED_EPISODES))
def test_episode_record_is_complete(episode):
    ep = cond.get_episode(episode)
    assert ep.outcome in cond.OUTCOMES
    assert 1 <= ep.piie_result <= 4 and 1 <= ep.piie_contribution <= 4
    assert ep.piie_score == ep.piie_result * ep.piie_contribution
    assert ep.piie_justification.strip()
    assert ep.outcome_summary.strip()
    for k in cond.LEVERS:
        assert ep.lever_notes[k].strip(), f"{episode}: lever {k} needs a justification"
    for k in cond.JUDGMENTS:
        assert ep.judgment_notes[k].strip(), f"{episode}: judgment {k} needs a justification"
        lo, hi = ep.ranges[k]
        assert lo <= ep.judgments[k] <= hi


@pytest.mark.parametrize("episode", sorted(EXPECTED_EPISODES))
def test_episode_source_ids_resolve(episode):
    ep = cond.get_episode(episode)
    assert ep.source_ids, f"{episode} cites no sources"
    missing = set(ep.source_ids) - _source_ids()
    assert not missing, f"{episode}: source_ids not in data/sources.csv: {missing}"


def _events_table():
    path = paths.DATA / "events.csv"
    if not path.exists():
        pytest.fail("data/events.csv does not exist yet: episodes cannot be checked against their events")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("episode", sorted(EXPECTED_EPISODES))
def test_episode_event_ids_resolve(episode):
    ep = cond.get_episode(episode)
    events = _events_table()
    assert ep.event_ids, f"{episode} lists no event_ids"
    missing = set(ep.event_ids) - set(events["event_id"])
    assert not missing, f"{episode}: event_ids not in data/events.csv: {missing}"
    tagged = set(events.loc[events["episode"] == episode, "event_id"])
    assert tagged, f"data/events.csv has no rows tagged with episode {episode}"
    rows = events[events["event_id"].isin(ep.event_ids)]
    assert set(rows["country"]) == {ep.country}


def test_missing_events_fail_clearly(monkeypatch):
    from casekit import data

    monkeypatch.setattr(data, "events", lambda *a, **k: pd.DataFrame(columns=["event_id", "episode"]))
    with pytest.raises(cond.EpisodeDataError, match="no rows with episode"):
        cond.get_episode("egypt-2013").events()


# Facts printed in sources, checked against the stored lever values (independent of the model)
def test_colombia_withheld_share_matches_hrw():
    # Human Rights Watch (8 July 2003): 25 percent of State-administered security assistance was conditioned
    assert cond.get_episode("colombia-cert").levers["share_withheld"] == pytest.approx(0.25)


def test_pakistan_2011_share_matches_reported_third():
    # Reported in July 2011 as about a third of annual U.S. security aid
    assert cond.get_episode("pakistan-2011").levers["share_withheld"] == pytest.approx(1 / 3, abs=0.01)


def test_piie_success_threshold_is_nine():
    # PIIE "Defining Success": a score of 9 or higher is a success
    ep = cond.get_episode("iraq-2014")
    assert ep.piie_success == (ep.piie_score >= 9)


# ---- prediction scoring -------------------------------------------------------------------
def test_certain_and_right_scores_zero_brier():
    ep = cond.get_episode("egypt-2013")
    sc = cond.score_prediction("egypt-2013", ep.outcome, 1.0)
    assert sc.correct and sc.brier == pytest.approx(0.0) and sc.points == pytest.approx(1.0)


def test_certain_and_wrong_scores_two():
    ep = cond.get_episode("egypt-2013")
    wrong = next(o for o in cond.OUTCOMES if o != ep.outcome)
    sc = cond.score_prediction("egypt-2013", wrong, 1.0)
    assert not sc.correct and sc.brier == pytest.approx(2.0) and sc.points == pytest.approx(0.0)


@pytest.mark.parametrize("predicted", cond.OUTCOMES)
def test_pure_guess_scores_two_thirds(predicted):
    # probabilities 1/3 each: (2/3)^2 + 2*(1/3)^2 = 6/9
    sc = cond.score_prediction("iraq-2014", predicted, 1 / 3)
    assert sc.brier == pytest.approx(6 / 9)


@settings(deadline=None, database=None, derandomize=True)
@given(st.sampled_from(sorted(EXPECTED_EPISODES)), st.sampled_from(cond.OUTCOMES),
       st.floats(min_value=1 / 3, max_value=1.0))
def test_brier_in_range_and_feedback_names_record(episode, predicted, conf):
    sc = cond.score_prediction(episode, predicted, conf)
    assert 0.0 <= sc.brier <= 2.0 + 1e-12
    assert sc.recorded in sc.feedback
    assert sc.steps_off in (0, 1, 2)


@pytest.mark.parametrize("predicted, conf", [("maybe", 0.5), ("comply", 1.2), ("comply", 0.1), ("comply", math.nan)])
def test_bad_predictions_refused(predicted, conf):
    with pytest.raises(ValueError):
        cond.score_prediction("egypt-2013", predicted, conf)


def test_outcomes_between_zones():
    assert cond.outcomes_between(-1.0, -0.5) == ("defy",)
    assert set(cond.outcomes_between(-0.3, -0.1)) == {"partial", "defy"}
    assert set(cond.outcomes_between(-0.1, 0.2)) == {"partial", "comply"}
    assert cond.outcomes_between(0.1, 0.3) == ("comply",)


@settings(deadline=None, database=None, derandomize=True, max_examples=200)
@given(st.sampled_from(sorted(EXPECTED_EPISODES)), st.lists(unit, min_size=len(cond.JUDGMENTS), max_size=len(cond.JUDGMENTS)))
def test_band_covers_every_point_inside_the_ranges(episode, fractions):
    ep = cond.get_episode(episode)
    r = cond.simulate(episode)
    point = {k: ep.ranges[k][0] + f * (ep.ranges[k][1] - ep.ranges[k][0]) for k, f in zip(cond.JUDGMENTS, fractions)}
    m = cond.margin(ep.levers, point)
    assert r.band[0] - 1e-9 <= m <= r.band[1] + 1e-9


def test_check_events_covers_all_episodes():
    counts = cond.check_events()
    assert set(counts) == EXPECTED_EPISODES
    assert all(n >= 1 for n in counts.values())


def test_check_events_names_the_broken_episode(monkeypatch):
    from casekit import data

    real = data.events

    def without_iraq(*args, **kwargs):
        ev = real(*args, **kwargs)
        return ev[ev["episode"] != "iraq-2014"]

    monkeypatch.setattr(data, "events", without_iraq)
    with pytest.raises(cond.EpisodeDataError, match="iraq-2014"):
        cond.check_events()


def test_module_source_ids_resolve():
    assert set(cond.SOURCE_IDS) <= _source_ids()
