"""Drive the labs in plain pytest: setting .value fires observers synchronously outside a kernel."""

import ipywidgets as widgets
import pytest
import traitlets

from casekit import conditionality as cond
from casekit import leverage as lev
from casekit.widgets import ConditionalityLab, LeverageLab

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def egypt_lab():
    return LeverageLab("Egypt", 2013)


@pytest.fixture()
def lab():
    return LeverageLab("Lebanon", 2019)


@pytest.fixture()
def clab():
    return ConditionalityLab("lebanon-2010")


# ---- leverage lab ---------------------------------------------------------------------------
def test_leverage_lab_starts_at_case_defaults(egypt_lab):
    base = lev.assess("Egypt", 2013)
    assert egypt_lab.assessment.score == pytest.approx(base.score)
    for f in lev.FACTORS:
        assert egypt_lab.sliders[f].value == pytest.approx(base.factors[f])
        assert egypt_lab.sliders[f].min == 0 and egypt_lab.sliders[f].max == 1
    assert egypt_lab.image.value.tobytes().startswith(PNG_MAGIC)
    assert isinstance(egypt_lab.ui, widgets.VBox)


def test_slider_changes_model_readout_and_image(lab):
    before_score = lab.assessment.score
    before_text = lab.readout.value
    before_png = lab.image.value
    lab.sliders["alignment"].value = 1.0
    assert lab.assessment.factors["alignment"] == 1.0
    assert lab.assessment.score > before_score
    assert lab.readout.value != before_text
    assert lab.image.value != before_png
    assert "alignment" in lab.readout.value and "set by hand" in lab.readout.value.lower()
    # only the factor that was moved is reported as set by hand; data factors keep their data notes
    assert "Dependence on U.S. aid was set by hand" not in lab.readout.value


def test_factor_directions_through_the_widget(lab):
    lab.sliders["outside_options"].value = 0.1
    low = lab.assessment.score
    lab.sliders["outside_options"].value = 0.9
    assert lab.assessment.score <= low


def test_out_of_range_slider_value_is_clamped(lab):
    lab.sliders["credibility"].value = 7
    assert lab.sliders["credibility"].value == 1.0
    assert lab.assessment.factors["credibility"] == 1.0
    lab.sliders["credibility"].value = -3
    assert lab.assessment.factors["credibility"] == 0.0


def test_set_refuses_bad_values_with_clear_message(lab):
    with pytest.raises(ValueError, match="between 0 and 1"):
        lab.set(alignment=1.5)
    with pytest.raises(ValueError, match="unknown factor"):
        lab.set(charisma=0.5)


def test_reset_restores_case_defaults(lab):
    lab.set(alignment=0.0, regime_cost=1.0, dependence=0.0)
    assert lab.assessment.score != pytest.approx(lab.base.score)
    lab.reset_button.click()
    assert lab.assessment.score == pytest.approx(lab.base.score)
    for f in lev.FACTORS:
        assert lab.sliders[f].value == pytest.approx(lab.base.factors[f])


def test_alt_text_follows_the_inputs(lab):
    assert "bar chart" in lab.alt.lower()
    assert lab.image.tooltip == lab.alt
    lab.sliders["regime_cost"].value = 0.0
    assert f"{lab.assessment.score:.2f}" in lab.alt
    assert f"{lab.assessment.score:.2f}" in lab.alt_text.value


def test_reveal_locked_until_prediction_recorded(lab):
    assert lab.reveal_button.disabled
    assert lab.reveal() == ""
    lab.record_button.click()  # nothing chosen yet
    assert lab.reveal_button.disabled and lab.prediction is None
    lab.predicted_outcome.value = "defy"
    lab.confidence.value = 0.8
    lab.record_button.click()
    assert not lab.reveal_button.disabled
    assert lab.prediction == ("defy", 0.8)
    assert lab.predicted_outcome.disabled  # the prediction is locked in
    lab.reveal_button.click()
    for eid in ("lebanon-2010", "lebanon-2019"):
        ep = cond.get_episode(eid)
        assert ep.title in lab.reveal_output.value


def test_record_prediction_validates(lab):
    with pytest.raises(ValueError, match="one of"):
        lab.record_prediction("maybe", 0.5)
    with pytest.raises(ValueError, match="confidence"):
        lab.record_prediction("comply", 2.0)


def test_one_persistent_figure(lab):
    fig = lab._canvas.fig
    bars = list(lab._bars)
    for v in (0.1, 0.5, 0.9):
        lab.sliders["dependence"].value = v
    assert lab._canvas.fig is fig
    assert list(lab._bars) == bars
    assert len(fig.axes) == 2


def test_fonts_and_palette():
    from casekit.style import OKABE_ITO
    from matplotlib.colors import to_hex

    lab = LeverageLab("Colombia")
    for ax in lab._canvas.fig.axes:
        for label in ax.get_yticklabels() + ax.get_xticklabels():
            assert label.get_fontsize() >= 11
    colours = {to_hex(b.get_facecolor()) for b in lab._bars}
    assert colours <= {c.lower() for c in OKABE_ITO}


# ---- conditionality lab -----------------------------------------------------------------------
def test_conditionality_lab_starts_at_historical_settings(clab):
    ep = cond.get_episode("lebanon-2010")
    for k, w in clab.controls.items():
        assert w.value == ep.levers[k]
    ref = cond.simulate("lebanon-2010")
    assert clab.result.margin == pytest.approx(ref.margin)
    assert clab.result.band == pytest.approx(ref.band)
    assert clab.image.value.tobytes().startswith(PNG_MAGIC)


def test_monitoring_slider_never_lowers_margin(clab):
    clab.controls["monitoring"].value = 0.0
    low = clab.result.margin
    clab.controls["monitoring"].value = 1.0
    assert clab.result.margin >= low


def test_waiver_toggle_never_raises_margin(clab):
    clab.controls["waiver"].value = False
    without = clab.result.margin
    clab.controls["waiver"].value = True
    assert clab.result.margin <= without


def test_levers_change_readout_and_outcome(clab):
    text = clab.readout.value
    clab.set(share_withheld=1.0, duration_months=24, monitoring=1.0)
    assert clab.readout.value != text
    assert clab.result.outcome == cond.simulate("lebanon-2010", share_withheld=1.0, duration_months=24,
                                                monitoring=1.0).outcome
    clab.controls["withheld_item"].value = "specific_systems"
    assert clab.result.levers["withheld_item"] == "specific_systems"


def test_judgment_slider_collapses_its_band(clab):
    wide = clab.result.band
    for k in cond.JUDGMENTS:
        clab.judgment_sliders[k].value = round(clab.episode.judgments[k] + 0.01, 2)
    assert clab.result.band[1] - clab.result.band[0] < wide[1] - wide[0]


def test_conditionality_bounds(clab):
    clab.controls["duration_months"].value = 500
    assert clab.controls["duration_months"].value == 36
    clab.controls["share_withheld"].value = -1
    assert clab.result.levers["share_withheld"] == 0.0
    with pytest.raises(traitlets.TraitError):
        clab.controls["withheld_item"].value = "tanks"
    with pytest.raises(ValueError, match="between"):
        clab.set(monitoring=3)
    with pytest.raises(ValueError, match="whole number"):
        clab.set(duration_months=2.5)
    with pytest.raises(ValueError, match="unknown setting"):
        clab.set(bribe=1)


def test_conditionality_reset(clab):
    ref = cond.simulate("lebanon-2010")
    clab.set(reward=1.0, reward_credibility=1.0, cost=0.9)
    assert clab.result.margin != pytest.approx(ref.margin)
    clab.reset_button.click()
    assert clab.result.margin == pytest.approx(ref.margin)
    assert clab.result.band == pytest.approx(ref.band)


def test_conditionality_predict_then_reveal(clab):
    assert clab.reveal_button.disabled
    clab.predicted_outcome.value = "partial"
    clab.confidence.value = 0.5
    clab.record_button.click()
    assert not clab.reveal_button.disabled
    clab.reveal_button.click()
    out = clab.reveal_output.value
    ep = cond.get_episode("lebanon-2010")
    assert ep.outcome in out
    assert "Brier" in out
    assert "Timeline from data/events.csv" in out
    assert "Events missing" not in out


@pytest.mark.parametrize("episode", cond.episodes())
def test_every_episode_lab_builds(episode):
    lab = ConditionalityLab(episode)
    assert lab.result.outcome in cond.OUTCOMES
    assert episode in lab.alt


@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_every_country_lab_builds(country):
    lab = LeverageLab(country)
    assert country in lab.readout.value
