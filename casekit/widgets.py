"""Interactive labs for the leverage and conditionality models.

``LeverageLab(country)`` and ``ConditionalityLab(episode)`` each build a small control panel
(sliders, toggles, drop-downs with fixed bounds), a plain-language readout that follows the inputs,
a chart, and a predict-then-reveal step: the "Reveal what happened" button stays disabled until the
learner has recorded a prediction.

How the chart stays fast
------------------------
Each lab owns **one** matplotlib figure (Agg canvas, created once, never through pyplot). The
static parts (axes, tick labels, reference lines) are drawn once and cached; on every change only
the moving artists are updated in place (``set_width``, ``set_data``, ``set_text``), drawn over the
cached background and encoded to PNG for a ``widgets.Image``. No new figure is ever made, and no
browser extension is needed (works in JupyterLab, Voila and plain pytest).

Accessibility
-------------
Okabe-Ito colours (``casekit.style``), fonts of 11 pt or more, and a text description of the chart
kept in ``alt_text`` (shown under the chart) and in the image's tooltip.

Testing
-------
Outside a kernel, setting a widget's ``.value`` fires observers synchronously, so the labs can be
driven in plain pytest: ``lab.sliders["alignment"].value = 0.9`` updates ``lab.assessment``,
``lab.readout.value`` and ``lab.image.value``. Slider values outside their bounds are clamped by
the slider; :meth:`set` refuses out-of-range values with a ``ValueError`` naming the bounds.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from casekit import conditionality as cond
from casekit import leverage as lev
from casekit.figures import PersistentFigure, chart_image
from casekit.style import OKABE_ITO

__all__ = ["LeverageLab", "ConditionalityLab"]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
GREY = "#999999"
FONT = 11
TITLE_FONT = 12


# Controls keep their natural width; the chart column takes what is left (without this the
# chart squeezed the sliders to a third of their width in JupyterLab; found by tests/browser).
def _controls_layout():
    return widgets.Layout(flex="0 0 auto")


def _chart_layout():
    return widgets.Layout(flex="1 1 auto", min_width="0")


def _slider(description, value, lo, hi, step, tooltip="", integer=False):
    cls = widgets.IntSlider if integer else widgets.FloatSlider
    kwargs = dict(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=False,
        style={"description_width": "15em"},
        layout=widgets.Layout(width="30em"),
        tooltip=tooltip,
    )
    if not integer:
        kwargs["readout_format"] = ".2f"
    return cls(**kwargs)


def _prediction_widgets(question: str):
    outcome = widgets.Dropdown(
        options=[("comply", "comply"), ("partly comply", "partial"), ("defy", "defy")],
        value=None,
        description="Prediction",
        style={"description_width": "8em"},
    )
    confidence = widgets.FloatSlider(
        value=0.6,
        min=0.34,
        max=1.0,
        step=0.01,
        description="Confidence",
        readout_format=".2f",
        continuous_update=False,
        style={"description_width": "8em"},
        tooltip="Probability you give your prediction: 0.34 is a guess between three outcomes, 1 is certainty",
    )
    record = widgets.Button(description="Record my prediction", button_style="primary", icon="")
    reveal = widgets.Button(description="Reveal what happened", disabled=True, icon="")
    status = widgets.HTML(value="<i>Record a prediction to unlock the reveal.</i>")
    prompt = widgets.HTML(value=f"<b>{html.escape(question)}</b>")
    return prompt, outcome, confidence, record, reveal, status


class _Lab:
    """Shared plumbing: prediction step, display, helpers."""

    question = ""

    def _build_prediction(self):
        (self.prediction_prompt, self.predicted_outcome, self.confidence, self.record_button,
         self.reveal_button, self.prediction_status) = _prediction_widgets(self.question)
        self.reveal_output = widgets.HTML(value="")
        self.prediction = None
        self.record_button.on_click(lambda _b: self.record_prediction())
        self.reveal_button.on_click(lambda _b: self.reveal())

    def record_prediction(self, outcome=None, confidence=None):
        """Record the learner's prediction (uses the widgets' values when arguments are omitted)."""
        if outcome is not None:
            if outcome not in cond.OUTCOMES:
                raise ValueError(f"outcome must be one of {', '.join(cond.OUTCOMES)}, got {outcome!r}")
            self.predicted_outcome.value = outcome
        if confidence is not None:
            c = float(confidence)
            if not 0.34 <= c <= 1.0:
                raise ValueError(f"confidence must be between 0.34 and 1, got {confidence!r}")
            self.confidence.value = c
        if self.predicted_outcome.value is None:
            self.prediction_status.value = "<b>Choose comply, partly comply or defy first.</b>"
            return None
        self.prediction = (self.predicted_outcome.value, float(self.confidence.value))
        self.predicted_outcome.disabled = True
        self.confidence.disabled = True
        self.record_button.disabled = True
        self.reveal_button.disabled = False
        self.prediction_status.value = (
            f"Recorded: <b>{html.escape(self.prediction[0])}</b> with confidence {self.prediction[1]:.2f}."
        )
        return self.prediction

    def _prediction_box(self):
        return widgets.VBox(
            [
                self.prediction_prompt,
                widgets.HBox([self.predicted_outcome, self.confidence]),
                widgets.HBox([self.record_button, self.reveal_button]),
                self.prediction_status,
                self.reveal_output,
            ]
        )

    def _push_image(self):
        self.image.value = self._canvas.png()
        self.image.tooltip = self.alt
        self.alt_text.value = f"<small><b>Chart description:</b> {html.escape(self.alt)}</small>"

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def display(self):
        from IPython.display import display

        display(self.ui)


# =============================================================================================
# Leverage lab
# =============================================================================================
class LeverageLab(_Lab):
    """Explore the leverage score for one country: sliders for the seven factors, reset, readout."""

    #: chart labels say what each bar measures: the factor's push toward leverage
    CHART_LABELS = {
        "dependence": "dependence on U.S. aid",
        "outside_options": "few outside options",
        "alignment": "alignment with the ask",
        "us_dependence": "little U.S. need of partner",
        "lock_in": "little lock-in",
        "credibility": "U.S. credibility",
        "regime_cost": "low cost to the regime",
    }

    def __init__(self, country: str, year: int | None = None):
        self.base = lev.assess(country, year)
        self.country = self.base.country
        self.year = self.base.year
        self.assessment = self.base
        self.question = (
            f"If Washington withheld part of its security assistance to {self.country} to press a demand "
            f"like those in its history, would {self.country} comply, partly comply, or defy?"
        )
        self._muted = False
        self.sliders = {}
        for f in lev.FACTORS:
            direction = "raises" if lev.DIRECTIONS[f] > 0 else "lowers"
            source = "data" if f in lev.DATA_FACTORS else "case judgment"
            self.sliders[f] = _slider(
                lev.LABELS[f], self.base.factors[f], 0.0, 1.0, 0.01,
                tooltip=f"{direction} leverage; default from {source}",
            )
            self.sliders[f].observe(self._on_change, names="value")
        self.reset_button = widgets.Button(description="Reset to case defaults", icon="")
        self.reset_button.on_click(lambda _b: self.reset())
        self.readout = widgets.HTML()
        self.alt_text = widgets.HTML()
        self.image = chart_image(layout=widgets.Layout(max_width="100%"))
        self._build_figure()
        self._build_prediction()
        self.ui = widgets.VBox(
            [
                widgets.HTML(f"<h3>Leverage lab: {html.escape(self.country)}, {self.year}</h3>"),
                widgets.HBox(
                    [widgets.VBox(list(self.sliders.values()) + [self.reset_button], layout=_controls_layout()),
                     widgets.VBox([self.image, self.alt_text], layout=_chart_layout())],
                ),
                self.readout,
                self._prediction_box(),
            ]
        )
        self.update()

    # ---- figure ------------------------------------------------------------------------------
    def _build_figure(self):
        self._canvas = PersistentFigure()
        fig = self._canvas.fig
        ax = fig.add_axes([0.38, 0.14, 0.58, 0.58])
        gauge = fig.add_axes([0.38, 0.80, 0.58, 0.07])
        n = len(lev.FACTORS)
        rows = list(range(n))[::-1]
        weights = [lev.WEIGHTS[f] for f in lev.FACTORS]
        ax.barh(rows, weights, color="none", edgecolor=GREY, linewidth=1.0, height=0.7)
        colours = [BLUE if lev.DIRECTIONS[f] > 0 else ORANGE for f in lev.FACTORS]
        self._bars = ax.barh(rows, [0.0] * n, color=colours, height=0.7)
        ax.set_yticks(rows, [self.CHART_LABELS[f] for f in lev.FACTORS], fontsize=FONT)
        ax.set_xlim(0, max(weights) * 1.05)
        ax.set_xlabel("points added to the score (outline = most possible)", fontsize=FONT)
        ax.tick_params(axis="x", labelsize=FONT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        gauge.barh([0], [1.0], color="none", edgecolor=GREY, height=0.8)
        self._gauge = gauge.barh([0], [0.0], color=GREEN, height=0.8)[0]
        (self._gauge_band,) = gauge.plot([0, 0], [0, 0], color=BLACK, linewidth=2.0, marker="|", markersize=12)
        gauge.set_xlim(0, 1)
        gauge.set_yticks([])
        gauge.tick_params(axis="x", labelsize=FONT)
        for side in ("top", "right", "left"):
            gauge.spines[side].set_visible(False)
        self._title = fig.text(0.02, 0.94, "", fontsize=TITLE_FONT, weight="bold")
        fig.text(0.02, 0.83, "score (0-1)", fontsize=FONT)
        self._canvas.freeze(list(self._bars) + [self._gauge, self._gauge_band, self._title])

    # ---- state -------------------------------------------------------------------------------
    def values(self) -> dict:
        return {f: float(s.value) for f, s in self.sliders.items()}

    def _on_change(self, _change=None):
        if not self._muted:
            self.update()

    def update(self):
        changed = {f: v for f, v in self.values().items() if abs(v - self.base.factors[f]) > 1e-12}
        a = self.base.with_factors(**changed)
        self.assessment = a
        for bar, f in zip(self._bars, lev.FACTORS):
            push = a.factors[f] if lev.DIRECTIONS[f] > 0 else 1 - a.factors[f]
            bar.set_width(lev.WEIGHTS[f] * push)
        self._gauge.set_width(a.score)
        low, high = a.band()
        self._gauge_band.set_data([low, high], [0, 0])
        self._title.set_text(f"{self.country} {self.year}: leverage {a.score:.2f} ({a.level()})")
        top = max(lev.FACTORS, key=lambda f: a.contributions[f])
        self.alt = (
            f"Horizontal bar chart of the points each of the seven leverage factors adds to the score for "
            f"{self.country} in {self.year} (blue: factors that raise leverage; orange: factors that lower it, "
            f"drawn as how little of them there is). "
            f"Score {a.score:.2f} of 1 ({a.level()}); black line: range {low:.2f} to {high:.2f} over the case's "
            f"judgment ranges. Largest contribution: {lev.LABELS[top]} "
            f"({a.contributions[top]:.0%} of the score). "
            + "; ".join(f"{lev.LABELS[f]} {a.factors[f]:.2f}" for f in lev.FACTORS) + "."
        )
        self.readout.value = f"<p>{html.escape(a.explain())}</p>"
        self._push_image()

    def set(self, **factors):
        """Set several factors at once (validated: names must be factors, values in 0..1)."""
        for k, v in factors.items():
            if k not in self.sliders:
                raise ValueError(f"unknown factor {k!r}; use one of: {', '.join(lev.FACTORS)}")
            lev._check_unit(k, v)
        self._muted = True
        try:
            for k, v in factors.items():
                self.sliders[k].value = float(v)
        finally:
            self._muted = False
        self.update()

    def reset(self):
        """Put every slider back to the case defaults (data and judgments)."""
        self.set(**dict(self.base.factors))

    def reveal(self) -> str:
        if self.prediction is None:
            self.prediction_status.value = "<b>Record a prediction first.</b>"
            return ""
        outcome, confidence = self.prediction
        ids = [e for e in cond.episodes() if cond.get_episode(e).country == self.country]
        parts = []
        for e in ids:
            ep = cond.get_episode(e)
            sc = cond.score_prediction(e, outcome, confidence)
            parts.append(
                f"<li><b>{html.escape(ep.title)}</b> ({html.escape(ep.decision_date)}): recorded outcome "
                f"<b>{ep.outcome}</b>. {html.escape(ep.outcome_summary)} Your Brier score: {sc.brier:.3f}.</li>"
            )
        text = (
            f"<p>What happened when the U.S. conditioned aid to {html.escape(self.country)}:</p><ul>"
            + "".join(parts) + "</ul><p>Open the conditionality lab to explore each episode.</p>"
        )
        self.reveal_output.value = text
        return text


# =============================================================================================
# Conditionality lab
# =============================================================================================
class ConditionalityLab(_Lab):
    """Explore one historical conditionality episode: levers, judgment inputs, margin, reveal."""

    ROWS = ("reward_term", "threat_term", "lock_in_term", "net_cost_term", "margin")
    ROW_LABELS = {
        "reward_term": "reward  q*R",
        "threat_term": "threat  m*k*A*(1-O)",
        "lock_in_term": "lock-in  -s*A",
        "net_cost_term": "net cost  -(C-G)",
        "margin": "margin",
    }
    XLIM = (-1.3, 1.2)

    def __init__(self, episode: str):
        self.episode = cond.get_episode(episode)
        ep = self.episode
        self.question = f"{ep.country}, {ep.decision_date}: {ep.demand} Will the partner comply, partly comply, or defy?"
        self._muted = False
        self.controls = {}
        lv = ep.levers
        self.controls["share_withheld"] = _slider(cond.LEVER_LABELS["share_withheld"], lv["share_withheld"], 0, 1, 0.01)
        self.controls["withheld_item"] = widgets.Dropdown(
            options=[("FMF cash / financing", "fmf_cash"), ("specific systems", "specific_systems")],
            value=lv["withheld_item"], description=cond.LEVER_LABELS["withheld_item"],
            style={"description_width": "15em"}, layout=widgets.Layout(width="30em"),
        )
        self.controls["duration_months"] = _slider(
            cond.LEVER_LABELS["duration_months"], int(lv["duration_months"]), 1, 36, 1, integer=True
        )
        self.controls["public"] = widgets.Checkbox(value=lv["public"], description=cond.LEVER_LABELS["public"],
                                                   indent=False)
        self.controls["reward"] = _slider(cond.LEVER_LABELS["reward"], lv["reward"], 0, 1, 0.01)
        self.controls["reward_credibility"] = _slider(
            cond.LEVER_LABELS["reward_credibility"], lv["reward_credibility"], 0, 1, 0.01
        )
        self.controls["monitoring"] = _slider(cond.LEVER_LABELS["monitoring"], lv["monitoring"], 0, 1, 0.01)
        self.controls["waiver"] = widgets.Checkbox(value=lv["waiver"], description=cond.LEVER_LABELS["waiver"],
                                                   indent=False)
        self.judgment_sliders = {
            k: _slider(cond.JUDGMENT_LABELS[k], ep.judgments[k], 0, 1, 0.01,
                       tooltip=f"case default {ep.judgments[k]:.2f}, range {ep.ranges[k][0]:.2f}-{ep.ranges[k][1]:.2f}")
            for k in cond.JUDGMENTS
        }
        for w in list(self.controls.values()) + list(self.judgment_sliders.values()):
            w.observe(self._on_change, names="value")
        self.reset_button = widgets.Button(description="Reset to the historical settings", icon="")
        self.reset_button.on_click(lambda _b: self.reset())
        self.readout = widgets.HTML()
        self.alt_text = widgets.HTML()
        self.image = chart_image(layout=widgets.Layout(max_width="100%"))
        self._build_figure()
        self._build_prediction()
        judgments_box = widgets.Accordion(children=[widgets.VBox(list(self.judgment_sliders.values()))])
        judgments_box.set_title(0, "Judgment inputs (change only with evidence)")
        judgments_box.selected_index = None
        self.ui = widgets.VBox(
            [
                widgets.HTML(f"<h3>Conditionality lab: {html.escape(ep.title)} ({html.escape(ep.decision_date)})</h3>"
                             f"<p><b>Demand:</b> {html.escape(ep.demand)}</p>"),
                widgets.HBox([
                    widgets.VBox(list(self.controls.values()) + [self.reset_button, judgments_box],
                                 layout=_controls_layout()),
                    widgets.VBox([self.image, self.alt_text], layout=_chart_layout()),
                ]),
                self.readout,
                self._prediction_box(),
            ]
        )
        self.update()

    # ---- figure ------------------------------------------------------------------------------
    def _build_figure(self):
        self._canvas = PersistentFigure()
        fig = self._canvas.fig
        ax = fig.add_axes([0.33, 0.16, 0.63, 0.66])
        n = len(self.ROWS)
        rows = list(range(n))[::-1]
        lo, hi = self.XLIM
        ax.axvspan(lo, -cond.PARTIAL_BAND, color=VERMILLION, alpha=0.10, linewidth=0)
        ax.axvspan(-cond.PARTIAL_BAND, 0, color=YELLOW, alpha=0.18, linewidth=0)
        ax.axvspan(0, hi, color=GREEN, alpha=0.10, linewidth=0)
        ax.axvline(0, color=BLACK, linewidth=1.0)
        for x, label, align in ((lo + 0.04, "defy", "left"), (-cond.PARTIAL_BAND / 2, "partial", "center"),
                                (hi - 0.04, "comply", "right")):
            ax.text(x, n - 0.35, label, fontsize=FONT, va="bottom", ha=align,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
        self._bars = ax.barh(rows, [0.0] * n, color=GREY, height=0.6)
        (self._band,) = ax.plot([0, 0], [rows[-1], rows[-1]], color=BLACK, linewidth=2.5, marker="|",
                                markersize=14)
        ax.set_yticks(rows, [self.ROW_LABELS[r] for r in self.ROWS], fontsize=FONT)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.6, n + 0.2)
        ax.set_xlabel("contribution to the compliance margin", fontsize=FONT)
        ax.tick_params(axis="x", labelsize=FONT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self._title = fig.text(0.02, 0.93, "", fontsize=TITLE_FONT, weight="bold")
        self._canvas.freeze(list(self._bars) + [self._band, self._title])

    # ---- state -------------------------------------------------------------------------------
    def settings(self) -> dict:
        out = {k: w.value for k, w in self.controls.items()}
        out["duration_months"] = int(out["duration_months"])
        out.update({k: float(w.value) for k, w in self.judgment_sliders.items()})
        return out

    def _on_change(self, _change=None):
        if not self._muted:
            self.update()

    def update(self):
        s = self.settings()
        changed = {k: v for k, v in s.items() if k in cond.LEVERS or abs(v - self.episode.judgments[k]) > 1e-12}
        r = cond.simulate(self.episode, **changed)
        self.result = r
        lo, hi = self.XLIM
        for bar, key in zip(self._bars, self.ROWS):
            v = r.terms[key]
            bar.set_width(max(lo, min(hi, v)))
            bar.set_color(BLUE if v >= 0 else VERMILLION)
        y = 0
        self._band.set_data([max(lo, r.band[0]), min(hi, r.band[1])], [y, y])
        self._title.set_text(f"Model: {r.outcome.upper()}  (margin {r.margin:+.2f}, "
                             f"range {r.band[0]:+.2f} to {r.band[1]:+.2f})")
        self.alt = (
            f"Horizontal bar chart of the terms of the compliance margin for {self.episode.id}. "
            f"Reward {r.terms['reward_term']:+.2f}, threat {r.terms['threat_term']:+.2f}, "
            f"lock-in {r.terms['lock_in_term']:+.2f}, net cost {r.terms['net_cost_term']:+.2f}; "
            f"margin {r.margin:+.2f} ({r.outcome}); over the judgment ranges the margin runs from "
            f"{r.band[0]:+.2f} to {r.band[1]:+.2f}. Shaded zones: defy below {-cond.PARTIAL_BAND:.2f}, "
            f"partial up to 0, comply from 0."
        )
        self.readout.value = f"<p>{html.escape(r.explain())}</p>"
        self._push_image()

    def set(self, **settings):
        """Set several levers or judgment inputs at once; invalid values raise ValueError."""
        for k, v in settings.items():
            if k in cond.LEVERS:
                cond._check_lever(k, v)
                if k == "duration_months" and float(v) != int(float(v)):
                    raise ValueError(f"duration_months must be a whole number of months, got {v!r}")
            elif k in cond.JUDGMENTS:
                cond._check_judgment(k, v)
            else:
                raise ValueError(
                    f"unknown setting {k!r}; levers are {', '.join(cond.LEVERS)}; judgments are {', '.join(cond.JUDGMENTS)}"
                )
        self._muted = True
        try:
            for k, v in settings.items():
                w = self.controls.get(k) or self.judgment_sliders[k]
                w.value = int(v) if k == "duration_months" else v
        finally:
            self._muted = False
        self.update()

    def reset(self):
        """Back to the historical lever values and the case's judgment defaults."""
        self.set(**self.episode.levers, **self.episode.judgments)

    def reveal(self) -> str:
        if self.prediction is None:
            self.prediction_status.value = "<b>Record a prediction first.</b>"
            return ""
        outcome, confidence = self.prediction
        sc = cond.score_prediction(self.episode, outcome, confidence)
        try:
            ev = self.episode.events()
            items = "".join(
                f"<li>{html.escape(str(row['date']))} ({html.escape(str(row['event_type']))}): "
                f"{html.escape(str(row['summary']))}</li>"
                for _, row in ev.iterrows()
            )
            timeline = f"<p>Timeline from data/events.csv:</p><ul>{items}</ul>"
        except cond.EpisodeDataError as exc:
            timeline = f"<p><b>Events missing:</b> {html.escape(str(exc))}</p>"
        ep = self.episode
        text = (
            f"<p>{html.escape(sc.feedback)}</p>"
            f"<p><b>Success score justification:</b> {html.escape(ep.piie_justification)}</p>" + timeline
        )
        self.reveal_output.value = text
        return text
