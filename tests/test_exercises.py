"""Cross-case exercises: nothing is revealed before a prediction, and the scoring arithmetic holds."""

import pytest

from casekit import conditionality, exercises
from casekit.data import COUNTRIES


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
    assert conditionality.get_episode("egypt-2013").outcome_summary in out
    for eid in conditionality.episodes():
        if eid != "egypt-2013":
            assert f"{eid}: no prediction recorded; outcome withheld." in out
            assert conditionality.get_episode(eid).outcome_summary not in out


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


def test_rank_reveal_agrees_perfectly_with_the_models_own_order():
    from casekit import leverage

    order = sorted(COUNTRIES, key=lambda c: -leverage.assess(c, 2015).score)
    assert "+1.00" in exercises.rank_reveal(order, 2015)
