"""Cross-case exercises: nothing is revealed before a prediction, and the scoring arithmetic holds."""

import itertools
import re

import pytest

from casekit import conditionality, exercises, predictions, validate
from casekit.data import COUNTRIES


@pytest.fixture(autouse=True)
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_WORK_DIR", str(tmp_path))
    monkeypatch.setenv("CASEKIT_LEARNER", "exercise-tester")


@pytest.mark.parametrize("eid", conditionality.episodes())
def test_briefing_gives_nothing_away(eid):
    ep = conditionality.get_episode(eid)
    text = exercises.briefing(eid)
    assert ep.demand in text
    assert ep.outcome_summary not in text
    for word in ("comply", "defy", "partial", "success"):
        assert word not in text.lower()


def test_unpredicted_episodes_stay_hidden():
    out = exercises.score_predictions({"egypt-2013": ("defy", 0.8)})
    assert all(r.summary in out for r in conditionality.get_episode("egypt-2013").readings)
    for eid in conditionality.episodes():
        if eid != "egypt-2013":
            assert f"{eid}: no prediction recorded; outcome withheld." in out
            assert all(r.summary not in out for r in conditionality.get_episode(eid).readings)


def test_empty_predictions_reveal_nothing():
    out = exercises.score_predictions({})
    assert "Brier" not in out
    assert all(conditionality.get_episode(e).outcome_summary not in out for e in conditionality.episodes())


def test_spearman_known_values():
    assert exercises.spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert exercises.spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # hand-worked: ranks a = (4,3,2,1), b = (3,4,1,2); d = (1,-1,1,-1); rho = 1 - 6*4/(4*15) = 0.6
    assert exercises.spearman([4, 3, 2, 1], [3, 4, 1, 2]) == pytest.approx(0.6)


def test_rank_reveal_refuses_an_incomplete_ranking():
    with pytest.raises(ValueError, match="missing: Pakistan"):
        exercises.rank_reveal(["Egypt", "Iraq", "Bahrain", "Lebanon", "Colombia", "Colombia"])
    assert exercises.rank_reveal([]).startswith("No ranking recorded yet")


def _rho(text):
    return float(re.search(r"ties shared\): ([+-][0-9.]+)", text).group(1))


def test_the_models_own_score_order_agrees_best():
    from casekit import leverage

    order = sorted(COUNTRIES, key=lambda c: -leverage.assess(c, 2015).score)
    best = _rho(exercises.rank_reveal(order, 2015))
    for perm in itertools.islice(itertools.permutations(order), 1, 720, 37):
        assert _rho(exercises.rank_reveal(list(perm), 2015)) <= best + 1e-9
    assert "tied with" in exercises.rank_reveal(order, 2015)


def test_rank_reveal_names_the_closest_country():
    with pytest.raises(validate.InputError, match="did you mean 'Colombia'"):
        exercises.rank_reveal(["Egypt", "Iraq", "Bahrain", "Lebanon", "Columbia", "Pakistan"])


@pytest.mark.parametrize(
    "preds, message",
    [({"egypt-2013": "defy"}, "must be a pair"), ({"egypt-2031x": ("defy", 0.5)}, "did you mean"),
     ({"egypt-2013": ("defied", 0.5)}, "did you mean 'defy'"), ({"egypt-2013": ("defy", 0.2)}, "from 1/3 to 1")],
)
def test_bad_predictions_are_one_line_errors(preds, message):
    with pytest.raises(validate.InputError, match=message) as info:
        exercises.score_predictions(preds)
    assert "\n" not in str(info.value)


def test_predictions_are_saved_and_locked_once_scored():
    exercises.record_predictions({"iraq-2014": ("comply", 0.7), "egypt-2013": None})
    assert predictions.latest("iraq-2014").outcome == "comply" and not predictions.is_revealed("iraq-2014")
    exercises.score_predictions({"iraq-2014": ("comply", 0.7)})
    assert predictions.is_revealed("iraq-2014")
    out = exercises.record_predictions({"iraq-2014": ("defy", 0.9)})
    assert "locked prediction stays comply" in out and predictions.latest("iraq-2014").outcome == "comply"


def test_disputed_episodes_are_scored_against_each_reading():
    out = exercises.score_predictions({"colombia-cert": ("partial", 1.0)})
    assert "disputed" in out and "Brier 0.00" in out and "Brier 2.00" in out
