"""Drive the labs in plain pytest: setting .value fires observers synchronously outside a kernel."""

import ipywidgets as widgets
import pytest
import traitlets

from casekit import conditionality as cond
from casekit import leverage as lev
from casekit import predictions
from casekit.widgets import ConditionalityLab, LeverageLab, PredictionPanel

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_WORK_DIR", str(tmp_path))
    monkeypatch.setenv("CASEKIT_LEARNER", "lab-tester")
    return tmp_path


@pytest.fixture()
def lab():
    return LeverageLab("Lebanon", 2019)


@pytest.fixture()
def clab():
    return ConditionalityLab("lebanon-2010")


def _all_widgets(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from _all_widgets(child)


# ---- leverage lab ---------------------------------------------------------------------------
def test_leverage_lab_opens_on_the_first_episodes_year():
    lab = LeverageLab("Egypt")
    assert lab.year == 2013
    base = lev.assess("Egypt", 2013)
    assert lab.assessment.score == pytest.approx(base.score)
    for f in lev.FACTORS:
        assert lab.sliders[f].value == pytest.approx(base.factors[f])
    assert lab.image.value.tobytes().startswith(PNG_MAGIC)
    assert [p.key for p in lab.panels] == ["egypt-2013"]  # the 2017 episode is not shown in 2013


def test_slider_changes_model_readout_and_image(lab):
    before = (lab.assessment.score, lab.readout.value, lab.image.value)
    lab.details.selected_index = 0  # open Details: the full explanation is built while it is open
    lab.sliders["alignment"].value = 1.0
    assert lab.assessment.factors["alignment"] == 1.0
    assert lab.assessment.score > before[0]
    assert lab.readout.value != before[1] and lab.image.value != before[2]
    assert "set by hand" in lab.detail_text.value.lower()


def test_readout_is_short_and_shows_the_range(lab):
    text = lab.readout.value
    assert "range" in text and len(text) < 260
    assert lab.detail_text.value == ""  # built only when Details is opened
    lab.details.selected_index = 0
    assert len(lab.detail_text.value) > len(text) and "not a forecast" in lab.detail_text.value


def test_out_of_range_slider_value_is_clamped(lab):
    lab.sliders["credibility"].value = 7
    assert lab.assessment.factors["credibility"] == 1.0


@pytest.mark.parametrize("kwargs, message", [({"alignment": 1.5}, "from 0 to 1"), ({"charisma": 0.5}, "one of"),
                                             ({"alignment": True}, "True/False")])
def test_set_refuses_bad_values_in_one_line(lab, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lab.set(**kwargs)


def test_reset_restores_case_defaults(lab):
    lab.set(alignment=0.0, regime_cost=1.0, dependence=0.0)
    lab.reset_button.click()
    assert lab.assessment.score == pytest.approx(lab.base.score)


def test_alt_text_follows_the_inputs(lab):
    assert "bar chart" in lab.alt.lower() and lab.image.tooltip == lab.alt
    lab.sliders["regime_cost"].value = 0.0
    assert f"{lab.assessment.score:.2f}" in lab.alt_text.value


def test_each_episode_is_predicted_and_scored_separately(lab):
    assert [p.key for p in lab.panels] == ["lebanon-2010", "lebanon-2019"]
    first, second = lab.panels
    first.outcome.value = "comply"
    first.record_button.click()
    assert not first.reveal_button.disabled and second.reveal_button.disabled
    first.reveal_button.click()
    assert "comply" in first.reveal_output.value and second.reveal_output.value == ""
    assert cond.get_episode("lebanon-2019").readings[0].summary not in first.reveal_output.value


def test_one_persistent_figure_rendered_for_its_display_size(lab):
    fig, bars = lab._canvas.fig, list(lab._bars)
    for x in (0.1, 0.5, 0.9):
        lab.sliders["dependence"].value = x
    assert lab._canvas.fig is fig and list(lab._bars) == bars
    width, height = lab._canvas.canvas.get_width_height()
    assert width == 2 * lab._canvas.display_size[0]  # twice the pixels it is shown at
    assert lab.image.layout.width == f"{lab._canvas.display_size[0]}px" and lab.image.layout.max_width == "100%"


def test_fonts_and_palette():
    from casekit.style import OKABE_ITO
    from matplotlib.colors import to_hex

    lab = LeverageLab("Colombia")
    for ax in lab._canvas.fig.axes:
        for label in ax.get_yticklabels() + ax.get_xticklabels():
            assert label.get_fontsize() >= 11
    assert {to_hex(b.get_facecolor()) for b in lab._bars} <= {c.lower() for c in OKABE_ITO}


def test_labels_sit_above_sliders_and_buttons_fit_their_text():
    lab = ConditionalityLab("egypt-2013")
    for w in _all_widgets(lab.ui):
        if isinstance(w, (widgets.FloatSlider, widgets.IntSlider)):
            assert w.description == "", "slider labels go above the slider, in full"
            assert w.layout.width == "22em" or w in (lab.panel.confidence,)
        if isinstance(w, widgets.Button):
            assert w.layout.width == "auto"


# ---- conditionality lab -----------------------------------------------------------------------
def test_conditionality_lab_starts_at_historical_settings(clab):
    ep = cond.get_episode("lebanon-2010")
    for k, w in clab.controls.items():
        assert w.value == ep.levers[k]
    ref = cond.simulate("lebanon-2010")
    assert clab.result.margin == pytest.approx(ref.margin) and clab.result.band == pytest.approx(ref.band)
    assert clab.year == 2010


def test_the_verdict_is_hidden_until_a_prediction_is_recorded(clab):
    ref = cond.simulate("lebanon-2010")
    hidden = clab.readout.value + clab.detail_text.value + clab._title.get_text() + clab.alt
    assert ref.outcome.upper() not in clab._title.get_text()
    assert f"{ref.margin:+.2f}" not in hidden and "Ceiling:" not in hidden
    assert not clab._bars[-1].get_visible()
    clab.predicted_outcome.value = "partial"
    clab.record_button.click()
    shown = clab.readout.value + clab._title.get_text()
    assert f"{ref.margin:+.2f}" in shown and clab._bars[-1].get_visible()


def test_levers_move_the_margin_in_the_documented_direction(clab):
    clab.controls["monitoring"].value = 0.0
    low = clab.result.margin
    clab.controls["monitoring"].value = 1.0
    assert clab.result.margin >= low
    clab.controls["waiver"].value = False
    without = clab.result.margin
    clab.controls["waiver"].value = True
    assert clab.result.margin <= without


def test_input_slider_collapses_its_band(clab):
    wide = clab.result.band
    clab.judgment_sliders["stake"].value = round(clab.episode.judgments["stake"] + 0.01, 2)
    assert clab.result.band[1] - clab.result.band[0] < wide[1] - wide[0]


def test_conditionality_bounds_and_one_line_errors(clab):
    clab.controls["duration_months"].value = 500
    assert clab.controls["duration_months"].value == 36
    with pytest.raises(traitlets.TraitError):
        clab.controls["withheld_item"].value = "tanks"
    with pytest.raises(ValueError, match="from 0 to 1"):
        clab.set(monitoring=3)
    with pytest.raises(ValueError, match="not a whole number"):
        clab.set(duration_months=2.5)
    with pytest.raises(ValueError, match="did you mean 'monitoring'"):
        clab.set(monitorin=1)


def test_conditionality_reset(clab):
    ref = cond.simulate("lebanon-2010")
    clab.set(reward=1.0, reward_credibility=1.0, regime_cost=0.9)
    clab.reset_button.click()
    assert clab.result.margin == pytest.approx(ref.margin) and clab.result.band == pytest.approx(ref.band)


def test_predict_reveal_lock_and_persist(clab, work):
    assert clab.reveal_button.disabled
    clab.record_button.click()  # nothing chosen
    assert clab.reveal_button.disabled and clab.prediction is None
    clab.predicted_outcome.value = "partial"
    clab.confidence.value = 0.5
    clab.record_button.click()
    assert clab.prediction == ("partial", 0.5) and predictions.latest("lebanon-2010").outcome == "partial"
    clab.reveal_button.click()
    out = clab.reveal_output.value
    assert "comply" in out and "Brier" in out and "Timeline from data/events.csv" in out
    assert clab.record_button.disabled and clab.predicted_outcome.disabled
    # the prediction cannot be rewritten after the reveal, through the widget or in code
    with pytest.raises(ValueError, match="locked"):
        clab.record_prediction("comply", 0.9)
    # a rebuilt lab (e.g. after a kernel restart) shows the saved, locked prediction and the reveal
    again = ConditionalityLab("lebanon-2010")
    assert again.prediction == ("partial", 0.5) and again.record_button.disabled
    assert "Brier" in again.reveal_output.value and again.verdict_shown


def test_button_handler_errors_are_shown_not_swallowed(clab, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(predictions, "record", broken)
    clab.predicted_outcome.value = "defy"
    clab.record_button.click()
    assert "disk full" in clab.prediction_status.value and "RuntimeError" in clab.prediction_status.value


def test_record_prediction_validates(clab):
    with pytest.raises(ValueError, match="did you mean 'defy'"):
        clab.record_prediction("defied", 0.5)
    with pytest.raises(ValueError, match="confidence"):
        clab.record_prediction("comply", 2.0)
    clab.record_prediction("comply", 1 / 3)  # the same range as the model: 1/3 to 1
    assert clab.prediction == ("comply", pytest.approx(1 / 3))


def test_lab_text_names_the_challenges(clab):
    text = " ".join(w.value for w in _all_widgets(clab.ui) if isinstance(w, widgets.HTML))
    for c in ("C4", "C5", "C6"):
        assert c in text


def test_later_knowledge_is_flagged_in_the_lab():
    lab = ConditionalityLab("lebanon-2019")
    assert "Rests partly on later knowledge" in lab.detail_text.value


def test_decision_panel_for_a_case():
    panel = PredictionPanel("egypt:decision", "What will Kerry decide?", options=("resume", "keep holds"),
                            actual="resume")
    assert panel.confidence.min == 0.5
    panel.outcome.value = "keep holds"
    panel.record_button.click()
    panel.reveal_button.click()
    assert "Brier score" in panel.reveal_output.value and panel.record_button.disabled


@pytest.mark.parametrize("episode", cond.episodes())
def test_every_episode_lab_builds(episode):
    lab = ConditionalityLab(episode)
    assert lab.result.outcome in cond.OUTCOMES and episode in lab.alt


@pytest.mark.parametrize("country", lev.COUNTRIES)
def test_every_country_lab_builds(country):
    lab = LeverageLab(country)
    assert country in lab.readout.value


def test_reset_errors_are_shown_in_the_readout(lab, monkeypatch):
    def broken():
        raise RuntimeError("cannot read cases/lebanon/judgments.yaml")

    monkeypatch.setattr(lab, "reset", broken)
    lab.reset_button.click()
    assert "RuntimeError: cannot read" in lab.readout.value


def test_widget_trees_repr_holds_no_memory_address():
    # the text/plain stored in notebooks must not change between runs
    from casekit.explorer import DataExplorer
    from casekit.widgets import AccessibleNames

    assert repr(AccessibleNames()) == "AccessibleNames()"
    for obj in (LeverageLab("Egypt", 2015), ConditionalityLab("lebanon-2010"), DataExplorer()):
        text = obj._repr_mimebundle_()["text/plain"] if hasattr(obj, "_repr_mimebundle_") else repr(obj.widget)
        assert "AccessibleNames()" in text and "0x" not in text


# The labs each case notebook shows BEFORE its predict-step cell, with the case's decision date
# (cases/<slug>/case.md front matter). Nothing in them may be dated after the decision; the model's
# theory literature (author-year citations such as "Powell 2019") is not a fact about the case.
PRE_PREDICTION_LABS = [
    ("2015-03", LeverageLab, ("Egypt", 2015)), ("2015-03", ConditionalityLab, ("egypt-2013",)),
    ("2018-05", LeverageLab, ("Pakistan", 2011)), ("2018-05", ConditionalityLab, ("pakistan-2011",)),
    ("2018-05", ConditionalityLab, ("pakistan-2015",)),
    ("2014-06", LeverageLab, ("Iraq", 2014)), ("2014-06", ConditionalityLab, ("iraq-2014",)),
    ("2011-11", LeverageLab, ("Bahrain", 2011)), ("2011-11", ConditionalityLab, ("bahrain-2011",)),
    ("2010-08", LeverageLab, ("Lebanon", 2010)), ("2010-08", ConditionalityLab, ("lebanon-2010",)),
    ("2009-09", LeverageLab, ("Colombia", 2009)), ("2009-09", ConditionalityLab, ("colombia-cert",)),
]


def _lab_text(lab):
    import html
    import re

    parts = []
    for w in _all_widgets(lab.ui):
        for attr in ("value", "description", "tooltip"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                parts.append(value)
        if isinstance(w, widgets.Accordion):
            parts += [w.get_title(i) or "" for i in range(len(w.children))]
    parts.append(lab.alt)
    return html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts)))


@pytest.mark.parametrize("decision,cls,args", PRE_PREDICTION_LABS, ids=lambda x: str(x))
def test_labs_before_prediction_name_nothing_after_the_decision(decision, cls, args):
    import re

    from casekit import casecheck

    text = _lab_text(cls(*args))
    text = re.sub(r"\b(Ladwig 2016|Powell 2019|Bapat 2011|Svensson 2003)\b", "", text)
    found = casecheck.hindsight(text, casecheck.Decision.parse(decision), casecheck._source_id_re())
    assert found == []
    assert not re.search(r"\b(\d{4})-\1\b", text)  # a one-year period reads "2014", not "2014-2014"


def test_model_theory_sources_are_labelled_as_the_models():
    text = _lab_text(ConditionalityLab("pakistan-2011"))
    assert "The model's theory sources (why this input matters, not evidence about the case): BAPAT-2011, POWELL-2019" in text
    assert "Sources: GAO-08-806; evidence dated 2011-07" in text
