"""Interactive labs for the leverage and conditionality models, and a prediction panel.

``LeverageLab(country, year=None)`` and ``ConditionalityLab(episode_id)`` each build a control panel
(sliders, toggles and drop-downs with fixed bounds), a one-line readout that follows the inputs (the
detail sits in a collapsible section under it), a chart, and a predict-then-reveal step.
``PredictionPanel(key, question, options, actual)`` is that step on its own, for a case's decision.

Predict first
-------------
* The conditionality lab shows the terms of the margin as the levers move, but **not the model's
  verdict** (the margin, its range, the ceiling) and not the record until a prediction is recorded.
* Each episode is predicted and scored separately: the leverage lab has one panel per episode of the
  country up to the year shown.
* Predictions are saved with :mod:`casekit.predictions` in the learner's ``my-work/`` folder, shown
  again when a lab is rebuilt (after a kernel restart too), and **locked once revealed**.

Vocabulary
----------
Every label comes from :mod:`casekit.vocabulary` and says which of Rand & Tankel's challenges
(C1..C8) the term stands for; the same name means the same thing in both labs.

Layout for a seminar room and a laptop
--------------------------------------
Each control's label sits *above* its slider, in full (labels are never cut), and sliders are 22em
wide (about 0.015 per pixel on a 0-1 slider, so 0.05 is easy to set with a mouse). Buttons size to
their text. Controls and chart sit side by side when there is room and wrap otherwise. The chart is a
fixed-size image rendered at twice its display resolution (``casekit.figures``), so it stays sharp at
1920 px. Readouts are one or two lines; the full explanation, the inputs with their sources and the
chart description are in a collapsible *Details* section.

How the chart stays fast
------------------------
Each lab owns one matplotlib figure (Agg canvas, created once, never through pyplot). Static parts
are drawn once and cached; on every change only the moving artists are updated in place and drawn
over the cached background, then encoded to PNG for a ``widgets.Image``.

Errors
------
Bad values given in code raise :class:`casekit.validate.InputError` (one line). Button handlers never
let an exception vanish: the message is shown in the panel's status line.

Testing
-------
Outside a kernel, setting a widget's ``.value`` fires observers synchronously, so the labs can be
driven in plain pytest: ``lab.sliders["alignment"].value = 0.9`` updates ``lab.assessment``,
``lab.readout.value`` and ``lab.image.value``.
"""

from __future__ import annotations

import html

import anywidget
import ipywidgets as widgets

from casekit import conditionality as cond
from casekit import leverage as lev
from casekit import predictions
from casekit import validate as v
from casekit import vocabulary
from casekit.figures import PersistentFigure, chart_image
from casekit.style import OKABE_ITO
from casekit.textsafe import md_safe

__all__ = ["LeverageLab", "ConditionalityLab", "PredictionPanel", "AccessibleNames"]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
GREY = "#999999"
FONT = 11
TITLE_FONT = 12
SLIDER_WIDTH = "22em"
OUTCOME_LABELS = {"comply": "comply", "partial": "partly comply", "defy": "defy"}


def _esc(text) -> str:
    """HTML-escape, and keep dollar signs from being typeset as maths (casekit.textsafe.md_safe: a
    bare ``&#36;`` is still typeset when two share a run of text)."""
    return md_safe(html.escape(str(text)))


# ---------------------------------------------------------------------------------------------
# accessible names for slider handles
# ---------------------------------------------------------------------------------------------
class AccessibleNames(anywidget.AnyWidget):
    """An invisible helper that names every slider handle in its output area for screen readers.

    ipywidgets 8.1 draws a slider's handle as ``<div role="slider">`` with no ``aria-label``, so a
    screen reader announces an unnamed slider (axe rule ``aria-input-field-name``). This helper sets
    each handle's ``aria-label`` to the slider's tooltip, its description, or the label shown just
    above it (the labs put labels above sliders), and keeps doing so as sliders appear (a collapsed
    section opened later, a lab rebuilt). Put one inside any widget tree that has sliders.
    """

    _esm = """
    function nameHandles(root) {
      for (const slider of root.querySelectorAll('.widget-slider')) {
        const prev = slider.previousElementSibling;
        const label = (slider.getAttribute('title') || '').trim()
          || ((slider.querySelector('.widget-label') || {}).textContent || '').trim()
          || ((prev && prev.classList.contains('widget-html')) ? prev.textContent.trim().slice(0, 150) : '');
        if (!label) continue;
        for (const handle of slider.querySelectorAll('[role="slider"]')) {
          if (handle.getAttribute('aria-label') !== label) handle.setAttribute('aria-label', label);
        }
      }
    }
    export default {
      render({ el }) {
        el.style.display = 'none';
        let observer = null, tries = 0;
        const start = () => {
          if (!el.isConnected && tries++ < 100) { setTimeout(start, 50); return; }
          const root = el.closest('.jp-OutputArea-output') || el.closest('.widget-vbox') || document.body;
          nameHandles(root);
          observer = new MutationObserver(() => nameHandles(root));
          observer.observe(root, { childList: true, subtree: true });
        };
        start();
        return () => { if (observer) observer.disconnect(); };
      },
    };
    """

    def __repr__(self) -> str:
        # a stable repr: the default one holds a memory address, which would change the stored
        # text/plain of every lab on each re-execution
        return "AccessibleNames()"


# ---------------------------------------------------------------------------------------------
# small builders
# ---------------------------------------------------------------------------------------------
def _label(text: str, hint: str = "") -> widgets.HTML:
    """A control's label, above it, wrapping instead of being cut."""
    extra = f' <span style="color:#555">({_esc(hint)})</span>' if hint else ""
    return widgets.HTML(f"<span>{_esc(text)}</span>{extra}",
                        layout=widgets.Layout(width=SLIDER_WIDTH, margin="6px 0 0 0"))


def _slider(value, lo, hi, step, label, integer=False):
    cls = widgets.IntSlider if integer else widgets.FloatSlider
    kwargs = dict(value=value, min=lo, max=hi, step=step, description="", continuous_update=False,
                  tooltip=label, layout=widgets.Layout(width=SLIDER_WIDTH))
    if not integer:
        kwargs["readout_format"] = ".2f"
    return cls(**kwargs)


def _button(text, **kwargs):
    return widgets.Button(description=text, icon="", tooltip=text,
                          layout=widgets.Layout(width="auto", min_width="max-content"), **kwargs)


def _checkbox(value, text):
    return widgets.Checkbox(value=value, description=text, indent=False,
                            layout=widgets.Layout(width="auto", max_width="100%"))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if isinstance(exc, v.InputError) else f"{type(exc).__name__}: {text}"


def _details(title: str, body: widgets.Widget) -> widgets.Accordion:
    acc = widgets.Accordion(children=[body])
    acc.set_title(0, title)
    acc.selected_index = None
    return acc


# ---------------------------------------------------------------------------------------------
# prediction panel
# ---------------------------------------------------------------------------------------------
class PredictionPanel:
    """Record a prediction (saved with :mod:`casekit.predictions`), then reveal and score it; locked after.

    ``key`` is an episode id (options comply / partial / defy; the record comes from
    ``cases/episodes.yaml``) or ``"<case>:<name>"`` with ``options`` and, to reveal, ``actual`` (one
    option, a list when the record is disputed, or ``{option: "reading"}``). ``on_record`` and
    ``on_reveal`` are called after a successful record / reveal (the labs use them to unhide the
    model's verdict). Errors in the buttons' handlers appear in ``status``.
    """

    def __init__(self, key, question, options=None, actual=None, on_record=None, on_reveal=None,
                 extra_reveal=None):
        self.key = key
        self.kind = predictions._kind(key)
        self.options = predictions._options(key, self.kind, options)
        self.actual = actual
        self.question = question
        self._on_record, self._on_reveal, self._extra_reveal = on_record, on_reveal, extra_reveal
        lo = predictions.confidence_range(len(self.options))[0]
        self.min_confidence = round(lo + 0.005, 2) if round(lo, 2) < lo else round(lo, 2)
        labels = [(OUTCOME_LABELS.get(o, o), o) for o in self.options]
        self.prompt = widgets.HTML(f"<b>{_esc(question)}</b>", layout=widgets.Layout(width="100%"))
        # a drop-down keeps its description (the <label for=...> is its accessible name), at its natural width
        self.outcome = widgets.Dropdown(options=labels, value=None, description="Your prediction",
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="auto", min_width="20em"))
        self.confidence = widgets.FloatSlider(
            value=max(0.6, self.min_confidence), min=self.min_confidence, max=1.0, step=0.01, description="",
            readout_format=".2f", continuous_update=False, layout=widgets.Layout(width=SLIDER_WIDTH),
            tooltip=f"Probability you give your prediction: {self.min_confidence:.2f} is a pure guess, 1 is certainty",
        )
        self.record_button = _button("Record my prediction", button_style="primary")
        self.reveal_button = _button("Reveal what happened", disabled=True)
        self.status = widgets.HTML("<i>Record a prediction to unlock the reveal.</i>")
        self.reveal_output = widgets.HTML("")
        self.record_button.on_click(lambda _b: self._safely(self.record))
        self.reveal_button.on_click(lambda _b: self._safely(self.reveal))
        self.ui = widgets.VBox([
            AccessibleNames(),
            self.prompt,
            widgets.HBox([
                widgets.VBox([widgets.HTML("<span>&nbsp;</span>", layout=widgets.Layout(margin="6px 0 0 0")),
                              self.outcome]),
                widgets.VBox([_label("Confidence", f"{self.min_confidence:.2f} = a guess, 1 = certain"),
                              self.confidence]),
            ], layout=widgets.Layout(flex_flow="row wrap", grid_gap="1em")),
            widgets.HBox([self.record_button, self.reveal_button],
                         layout=widgets.Layout(flex_flow="row wrap", grid_gap="0.5em")),
            self.status,
            self.reveal_output,
        ])
        self.prediction = None
        self._restore()

    # ---- state ---------------------------------------------------------------------------
    def _safely(self, fn):
        try:
            return fn()
        except Exception as exc:  # never let a handler's exception vanish
            self.status.value = f"<b>Not recorded:</b> {_esc(_one_line(exc))}"
            return None

    def _lock_inputs(self):
        self.outcome.disabled = True
        self.confidence.disabled = True
        self.record_button.disabled = True

    def _restore(self):
        saved = predictions.latest(self.key)
        if saved is None:
            return
        self.outcome.value = saved.outcome
        self.confidence.value = min(1.0, max(self.min_confidence, saved.confidence))
        self.prediction = (saved.outcome, saved.confidence)
        self._lock_inputs()
        self.reveal_button.disabled = False
        self.status.value = f"Saved earlier: <b>{_esc(OUTCOME_LABELS.get(saved.outcome, saved.outcome))}</b> " \
                            f"with confidence {saved.confidence:.2f}."
        if self._on_record:
            self._on_record()
        if saved.revealed:
            self.reveal()

    @property
    def recorded(self) -> bool:
        return self.prediction is not None

    def record(self, outcome=None, confidence=None):
        """Record (and save) the prediction; uses the widgets' values when arguments are omitted."""
        if predictions.is_revealed(self.key):
            raise v.InputError(f"the prediction for {self.key} is locked because its outcome has been revealed")
        if outcome is not None:
            v.choice("outcome", outcome, self.options)
        if confidence is not None:
            predictions.check_confidence(confidence, len(self.options))
        outcome = self.outcome.value if outcome is None else outcome
        confidence = float(self.confidence.value) if confidence is None else confidence
        if outcome is None:
            self.status.value = "<b>Choose an outcome first.</b>"
            return None
        saved = predictions.record(self.key, outcome, confidence, options=None if self.kind == "episode" else
                                   self.options, question=self.question, via="widget")
        self.outcome.value = saved.outcome
        self.confidence.value = min(1.0, max(self.min_confidence, saved.confidence))
        self.prediction = (saved.outcome, saved.confidence)
        self._lock_inputs()
        self.reveal_button.disabled = False
        self.status.value = (f"Recorded and saved: <b>{_esc(OUTCOME_LABELS.get(saved.outcome, saved.outcome))}</b> "
                             f"with confidence {saved.confidence:.2f}. It is locked once you reveal.")
        if self._on_record:
            self._on_record()
        return self.prediction

    def reveal(self) -> str:
        if self.prediction is None:
            self.status.value = "<b>Record a prediction first.</b>"
            return ""
        result = predictions.reveal(self.key, actual=self.actual, via="widget")
        text = f"<p>{_esc(result.text)}</p>"
        if self._extra_reveal:
            text += self._extra_reveal()
        self.reveal_output.value = text
        self.reveal_button.disabled = True
        self._lock_inputs()
        self.status.value = (f"Your prediction ({_esc(OUTCOME_LABELS.get(self.prediction[0], self.prediction[0]))}, "
                             f"{self.prediction[1]:.2f}) is locked.")
        if self._on_reveal:
            self._on_reveal()
        return text

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def display(self):
        from IPython.display import display

        display(self.ui)


def _episode_question(ep) -> str:
    return (f"{ep.country}, {ep.decision_date}: {ep.demand} Will the partner comply, partly comply, or defy? "
            f"(episode {ep.id})")


def _timeline_html(ep) -> str:
    try:
        ev = ep.events()
        items = "".join(
            f"<li>{_esc(row['date'])} ({_esc(row['event_type'])}): {_esc(row['summary'])}</li>"
            for _, row in ev.iterrows()
        )
        return f"<p>Timeline from data/events.csv:</p><ul>{items}</ul>"
    except cond.EpisodeDataError as exc:
        return f"<p><b>Events missing:</b> {_esc(exc)}</p>"


def _sources_note(evidence: dict) -> str:
    """'Sources: ...; evidence dated ...', with the model's theoretical literature named apart.

    The model's theory sources (e.g. Ladwig 2016, Powell 2019) explain why an input matters; they are not
    evidence about the case and may be dated after its decision, so the lab labels them as the model's.
    The report the kit is built on (Rand & Tankel 2015) also describes the cases and stays with the sources.
    """
    ids = list(evidence["source_ids"])
    theory = [s for s in ids if s in MODEL_THEORY_SOURCE_IDS]
    case = [s for s in ids if s not in MODEL_THEORY_SOURCE_IDS]
    parts = []
    if case:
        parts.append(f"Sources: {', '.join(case)}; evidence dated {evidence['evidence_date']}.")
    if theory:
        parts.append(f"The model's theory sources (why this input matters, not evidence about the case): "
                     f"{', '.join(theory)}.")
    return " ".join(parts)


# the models' theoretical literature (leverage.SOURCE_IDS, conditionality.SOURCE_IDS) minus the report the
# kit is built on, whose chapters also narrate the cases
MODEL_THEORY_SOURCE_IDS = (frozenset(lev.SOURCE_IDS) | frozenset(cond.SOURCE_IDS)) - {"SEED-CNAS-2015"}


class _Lab:
    """Shared plumbing: display, image push, details, handler errors shown in the readout."""

    def _safely(self, fn):
        try:
            return fn()
        except Exception as exc:  # a button handler's exception is shown, never swallowed
            self.readout.value = f"<p><b>Error:</b> {_esc(_one_line(exc))}</p>"
            return None

    def _push_image(self):
        self.image.value = self._canvas.png()
        self.image.tooltip = self.alt
        self.alt_text.value = f"<p><b>Chart description:</b> {_esc(self.alt)}</p>"

    def _repr_mimebundle_(self, **kwargs):
        return self.ui._repr_mimebundle_(**kwargs)

    def display(self):
        from IPython.display import display

        display(self.ui)


# =============================================================================================
# Leverage lab
# =============================================================================================
class LeverageLab(_Lab):
    """Explore the leverage score for one country and year; predict each of its episodes up to that year.

    ``year`` defaults to the decision year of the country's first episode (so the lab opens on an
    episode's year, not on the latest data).
    """

    #: chart labels say what each bar measures: the factor's push toward leverage
    CHART_LABELS = {
        "dependence": "dependence on U.S. aid",
        "outside_options": "few outside options",
        "alignment": "alignment with the ask",
        "us_dependence": "little U.S. need of partner",
        "lock_in": "little lock-in",
        "credibility": "U.S. follow-through",
        "regime_cost": "low cost to the regime",
    }

    def __init__(self, country: str, year: int | None = None):
        country = lev._check_country(country)
        eps = [cond.get_episode(e) for e in cond.episodes() if cond.get_episode(e).country == country]
        if year is None:
            year = min(ep.year for ep in eps) if eps else lev._default_year(country)
        self.base = lev.assess(country, year)
        self.country, self.year = self.base.country, self.base.year
        self.assessment = self.base
        self.episodes = [ep for ep in eps if ep.year <= self.year]
        self._muted = False
        self.sliders, rows = {}, []
        for f in lev.FACTORS:
            t = vocabulary.TERMS[f]
            source = "data" if f in lev.DATA_FACTORS else "case judgment"
            effect = "raises" if lev.DIRECTIONS[f] > 0 else "lowers"
            self.sliders[f] = _slider(self.base.factors[f], 0.0, 1.0, 0.01, t.label)
            self.sliders[f].observe(self._on_change, names="value")
            rows += [_label(t.label, f"{effect} leverage; {source}; {vocabulary.challenges(f)}"), self.sliders[f]]
        self.reset_button = _button("Reset to case defaults")
        self.reset_button.on_click(lambda _b: self._safely(self.reset))
        self.readout = widgets.HTML()
        self.detail_text = widgets.HTML()
        self.alt_text = widgets.HTML()
        self._build_figure()
        self.image = chart_image(self._canvas)
        self.details = _details("Details: explanation, data notes and chart description",
                                widgets.VBox([self.detail_text, self.alt_text]))
        self.details.observe(lambda _c: self._update_details(), names="selected_index")
        self.panels = [PredictionPanel(ep.id, _episode_question(ep), extra_reveal=lambda ep=ep: _timeline_html(ep))
                       for ep in self.episodes]
        later = [cond.get_episode(e).id for e in cond.episodes()
                 if cond.get_episode(e).country == country and cond.get_episode(e).year > self.year]
        # no ids of later episodes: an id names a year after the lab's year, which a learner predicting
        # in that year must not see
        note = ("Predict each episode separately; later episodes appear when you open the lab on a later year."
                if later else "Predict each episode separately.")
        pred_children = [widgets.HTML(f"<h4>Predict, then reveal</h4><p>{_esc(note)}</p>")] + [p.ui for p in self.panels]
        if not self.panels:
            pred_children.append(widgets.HTML("<p>No conditionality episode of this country up to this year.</p>"))
        self.ui = widgets.VBox([
            AccessibleNames(),
            widgets.HTML(f"<h3>Leverage lab: {_esc(self.country)}, {self.year}</h3>"
                         f"<p>Data factors use the years before {self.year}; case judgments apply to stated periods. "
                         f"Each label names the challenge of Rand and Tankel (C1-C8) the factor stands for.</p>"),
            widgets.HBox([
                widgets.VBox(rows + [widgets.HTML("<br>"), self.reset_button],
                             layout=widgets.Layout(flex="0 0 auto", margin="0 2em 0 0")),
                widgets.VBox([self.image], layout=widgets.Layout(flex="1 1 auto", min_width="0")),
            ], layout=widgets.Layout(flex_flow="row wrap")),
            self.readout,
            self.details,
            widgets.VBox(pred_children),
        ])
        self.update()

    # ---- backward-compatible access to the first episode's panel --------------------------
    @property
    def panel(self):
        return self.panels[0] if self.panels else None

    def record_prediction(self, outcome=None, confidence=None, episode=None):
        """Record a prediction for ``episode`` (default: the first episode shown)."""
        return self._panel_for(episode).record(outcome, confidence)

    def reveal(self, episode=None) -> str:
        return self._panel_for(episode).reveal()

    def _panel_for(self, episode):
        if not self.panels:
            raise v.InputError(f"no conditionality episode of {self.country} up to {self.year} to predict")
        if episode is None:
            return self.panels[0]
        v.choice("episode", episode, [p.key for p in self.panels])
        return next(p for p in self.panels if p.key == episode)

    # ---- figure ------------------------------------------------------------------------------
    def _build_figure(self):
        self._canvas = PersistentFigure(scale=2)
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
        fig.text(0.02, 0.83, "score and range", fontsize=FONT)
        self._canvas.freeze(list(self._bars) + [self._gauge, self._gauge_band, self._title])

    # ---- state -------------------------------------------------------------------------------
    def values(self) -> dict:
        return {f: float(s.value) for f, s in self.sliders.items()}

    def _on_change(self, _change=None):
        if not self._muted:
            self.update()

    def update(self):
        changed = {f: x for f, x in self.values().items() if abs(x - self.base.factors[f]) > 1e-12}
        a = self.base.with_factors(**changed)
        self.assessment = a
        for bar, f in zip(self._bars, lev.FACTORS):
            push = a.factors[f] if lev.DIRECTIONS[f] > 0 else 1 - a.factors[f]
            bar.set_width(lev.WEIGHTS[f] * push)
        self._gauge.set_width(a.score)
        low, high = a.band()
        self._gauge_band.set_data([low, high], [0, 0])
        self._title.set_text(f"{self.country} {self.year}: leverage {a.score:.2f} (range {low:.2f}-{high:.2f})")
        top = max(lev.FACTORS, key=lambda f: a.contributions[f])
        self.alt = (
            f"Horizontal bar chart of the points each of the seven leverage factors adds to the score for "
            f"{self.country} in {self.year} (blue: factors that raise leverage; orange: factors that lower it, "
            f"drawn as how little of them there is). "
            f"Score {a.score:.2f} of 1 ({a.level()}); black line: range {low:.2f} to {high:.2f} over the case's "
            f"judgment ranges. Largest contribution: {lev.LABELS[top]} ({a.contributions[top]:.0%} of the score). "
            + "; ".join(f"{lev.LABELS[f]} {a.factors[f]:.2f}" for f in lev.FACTORS) + "."
        )
        self.readout.value = f"<p>{_esc(a.summary())}</p>"
        self._details_stale = True
        self._update_details()
        self._push_image()

    def _update_details(self):
        """The full explanation is built only while the Details section is open (it is the slow part)."""
        if getattr(self, "_details_stale", True) and (self.details.selected_index == 0 or self._eager_details):
            self.detail_text.value = f"<p>{_esc(self.assessment.explain())}</p>"
            self._details_stale = False

    #: build the details on every change even when closed (tests and notebooks that read detail_text)
    _eager_details = False

    def set(self, **factors):
        """Set several factors at once (names must be factors, values numbers in 0..1)."""
        v.known_keys("factor", factors, lev.FACTORS)
        factors = {k: lev._check_unit(k, x) for k, x in factors.items()}
        self._muted = True
        try:
            for k, x in factors.items():
                self.sliders[k].value = x
        finally:
            self._muted = False
        self.update()

    def reset(self):
        """Put every slider back to the case defaults (data and judgments)."""
        self.set(**dict(self.base.factors))


# =============================================================================================
# Conditionality lab
# =============================================================================================
class ConditionalityLab(_Lab):
    """Explore one historical episode: levers, inputs, terms; the verdict after a prediction; reveal."""

    ROWS = ("threat_term", "reward_term", "regime_term", "aid_ends_term", "margin")
    ROW_LABELS = {
        "threat_term": "threat (stick)",
        "reward_term": "reward (carrot)",
        "regime_term": "cost net of alignment",
        "aid_ends_term": "aid ends if solved",
        "margin": "margin (verdict)",
    }
    XLIM = (-1.3, 1.2)

    def __init__(self, episode: str):
        self.episode = cond.get_episode(episode)
        ep = self.episode
        self.year = ep.year
        self.question = _episode_question(ep)
        self._muted = False
        lv = ep.levers
        c = {}
        c["share_withheld"] = _slider(lv["share_withheld"], 0, 1, 0.01, cond.LEVER_LABELS["share_withheld"])
        c["withheld_item"] = widgets.Dropdown(
            options=[("FMF cash / financing", "fmf_cash"), ("named systems", "specific_systems")],
            value=lv["withheld_item"], description=cond.LEVER_LABELS["withheld_item"],
            style={"description_width": "initial"}, layout=widgets.Layout(width="auto", min_width="22em"))
        c["duration_months"] = _slider(int(lv["duration_months"]), 1, 36, 1, cond.LEVER_LABELS["duration_months"],
                                       integer=True)
        c["public"] = _checkbox(lv["public"], cond.LEVER_LABELS["public"])
        c["reward"] = _slider(lv["reward"], 0, 1, 0.01, cond.LEVER_LABELS["reward"])
        c["reward_credibility"] = _slider(lv["reward_credibility"], 0, 1, 0.01, cond.LEVER_LABELS["reward_credibility"])
        c["monitoring"] = _slider(lv["monitoring"], 0, 1, 0.01, cond.LEVER_LABELS["monitoring"])
        c["waiver"] = _checkbox(lv["waiver"], cond.LEVER_LABELS["waiver"])
        self.controls = c
        lever_rows = []
        for k, w in c.items():
            if isinstance(w, (widgets.Checkbox, widgets.Dropdown)):
                lever_rows += [widgets.HTML(f"<span style='color:#555'>({vocabulary.challenges(k)})</span>"), w]
            else:
                lever_rows += [_label(cond.LEVER_LABELS[k], vocabulary.challenges(k)), w]
        self.judgment_sliders, input_rows = {}, []
        for k in cond.INPUTS:
            origin = ("data" if k in cond.DATA_INPUTS else
                      "case judgment" if k in cond.CASE_JUDGMENTS else "episode judgment")
            rng = ep.ranges.get(k)
            hint = f"{origin}, {ep.judgments[k]:.2f}" + (f", range {rng[0]:.2f}-{rng[1]:.2f}" if rng else "") + \
                   f"; {vocabulary.challenges(k)}"
            self.judgment_sliders[k] = _slider(ep.judgments[k], 0, 1, 0.01, cond.INPUT_LABELS[k])
            input_rows += [_label(cond.INPUT_LABELS[k], hint), self.judgment_sliders[k]]
        for w in list(c.values()) + list(self.judgment_sliders.values()):
            w.observe(self._on_change, names="value")
        self.reset_button = _button("Reset to the historical settings")
        self.reset_button.on_click(lambda _b: self._safely(self.reset))
        self.readout = widgets.HTML()
        self.detail_text = widgets.HTML()
        self.alt_text = widgets.HTML()
        self._build_figure()
        self.image = chart_image(self._canvas)
        self.verdict_shown = False
        self.panel = PredictionPanel(ep.id, self.question, on_record=self._show_verdict,
                                     extra_reveal=lambda: _timeline_html(ep) + self._success_html())
        inputs_box = _details("Inputs: change only with evidence",
                              widgets.VBox([widgets.HTML("<p>Shared names have the leverage lab's values for "
                                                         f"{ep.year}.</p>",
                                                         layout=widgets.Layout(width=SLIDER_WIDTH))] + input_rows))
        self.ui = widgets.VBox([
            AccessibleNames(),
            widgets.HTML(f"<h3>Conditionality lab: {_esc(ep.title)}</h3>"
                         f"<p><b>{_esc(ep.country)}, decision point {_esc(ep.decision_date)}.</b> "
                         f"<b>Demand:</b> {_esc(ep.demand)}</p>"),
            widgets.HBox([
                widgets.VBox(lever_rows + [widgets.HTML("<br>"), self.reset_button, inputs_box],
                             layout=widgets.Layout(flex="0 0 auto", margin="0 2em 0 0", max_width="100%")),
                widgets.VBox([self.image], layout=widgets.Layout(flex="1 1 auto", min_width="0")),
            ], layout=widgets.Layout(flex_flow="row wrap")),
            self.readout,
            _details("Details: terms, inputs with sources, chart description",
                     widgets.VBox([self.detail_text, self.alt_text])),
            widgets.HTML("<h4>Predict, then reveal</h4>"),
            self.panel.ui,
        ])
        self.update()

    # ---- backward-compatible names -----------------------------------------------------------
    @property
    def record_button(self):
        return self.panel.record_button

    @property
    def reveal_button(self):
        return self.panel.reveal_button

    @property
    def predicted_outcome(self):
        return self.panel.outcome

    @property
    def confidence(self):
        return self.panel.confidence

    @property
    def reveal_output(self):
        return self.panel.reveal_output

    @property
    def prediction_status(self):
        return self.panel.status

    @property
    def prediction(self):
        return self.panel.prediction

    def record_prediction(self, outcome=None, confidence=None):
        return self.panel.record(outcome, confidence)

    def reveal(self) -> str:
        return self.panel.reveal()

    # ---- figure ------------------------------------------------------------------------------
    def _build_figure(self):
        self._canvas = PersistentFigure(scale=2)
        fig = self._canvas.fig
        ax = fig.add_axes([0.33, 0.16, 0.63, 0.66])
        n = len(self.ROWS)
        rows = list(range(n))[::-1]
        lo, hi = self.XLIM
        ax.axvline(0, color=BLACK, linewidth=1.0)
        self._zones = [
            ax.axvspan(lo, -cond.PARTIAL_BAND, ymax=0.2, color=VERMILLION, alpha=0.15, linewidth=0),
            ax.axvspan(-cond.PARTIAL_BAND, 0, ymax=0.2, color=YELLOW, alpha=0.25, linewidth=0),
            ax.axvspan(0, hi, ymax=0.2, color=GREEN, alpha=0.15, linewidth=0),
        ]
        self._zone_labels = [
            ax.text(x, -0.45, label, fontsize=FONT, va="bottom", ha=align)
            for x, label, align in ((lo + 0.04, "defy", "left"), (-cond.PARTIAL_BAND / 2, "partial", "center"),
                                    (hi - 0.04, "comply", "right"))
        ]
        self._bars = ax.barh(rows, [0.0] * n, color=GREY, height=0.6)
        (self._band,) = ax.plot([0, 0], [rows[-1], rows[-1]], color=BLACK, linewidth=2.5, marker="|", markersize=14)
        (self._ceiling,) = ax.plot([0, 0], [rows[-1] - 0.45, rows[0] + 0.45], color=PURPLE, linewidth=1.5,
                                   linestyle="--")
        ax.set_yticks(rows, [self.ROW_LABELS[r] for r in self.ROWS], fontsize=FONT)
        ax.set_xlim(lo, hi)
        ax.set_ylim(-0.6, n - 0.3)
        ax.set_xlabel("contribution to the compliance margin", fontsize=FONT)
        ax.tick_params(axis="x", labelsize=FONT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self._title = fig.text(0.02, 0.93, "", fontsize=TITLE_FONT, weight="bold")
        self._canvas.freeze(list(self._bars) + [self._band, self._ceiling, self._title] + self._zones
                            + self._zone_labels)

    # ---- state -------------------------------------------------------------------------------
    def settings(self) -> dict:
        out = {k: w.value for k, w in self.controls.items()}
        out["duration_months"] = int(out["duration_months"])
        out.update({k: float(w.value) for k, w in self.judgment_sliders.items()})
        return out

    def _on_change(self, _change=None):
        if not self._muted:
            self.update()

    def _show_verdict(self):
        self.verdict_shown = True
        self.update()

    def _success_html(self) -> str:
        ep = self.episode
        return f"<p><b>Success score justification:</b> {_esc(ep.piie_justification)}</p>"

    def update(self):
        s = self.settings()
        changed = {k: x for k, x in s.items()
                   if k in cond.LEVERS or abs(x - self.episode.judgments[k]) > 1e-12}
        r = cond.simulate(self.episode, **changed)
        self.result = r
        t = r.terms
        lo, hi = self.XLIM
        shown = self.verdict_shown
        for bar, key in zip(self._bars, self.ROWS):
            x = t[key]
            bar.set_width(max(lo, min(hi, x)))
            bar.set_color(BLUE if x >= 0 else VERMILLION)
            bar.set_visible(shown or key != "margin")
        self._band.set_data([max(lo, r.band[0]), min(hi, r.band[1])], [0, 0])
        self._ceiling.set_data([min(hi, t["ceiling"])] * 2, self._ceiling.get_ydata())
        for artist in [self._band] + self._zones + self._zone_labels:
            artist.set_visible(shown)
        self._ceiling.set_visible(True)
        ep = self.episode
        if shown:
            self._title.set_text(f"Model: {r.outcome.upper()}  (margin {r.shown()})")
            self.readout.value = (f"<p><b>Model:</b> {_esc(r.verdict())}; margin {_esc(r.shown())}. "
                                  f"{_esc(r.ceiling_text())}</p>")
        else:
            self._title.set_text("Verdict hidden until you record a prediction")
            self.readout.value = (
                f"<p>Threat {t['threat_term']:+.2f}, reward {t['reward_term']:+.2f}, cost net of alignment "
                f"{t['regime_term']:+.2f}, aid ending if solved {t['aid_ends_term']:+.2f}. The model's verdict and the "
                f"record stay hidden until you record a prediction below.</p>")
        later = ep.later_knowledge()
        inputs = "".join(
            f"<li><b>{_esc(cond.INPUT_LABELS[k])}</b> = {r.judgments[k]:.2f}"
            + (f" (range {ep.ranges[k][0]:.2f}-{ep.ranges[k][1]:.2f})" if k in ep.ranges else "")
            + f" [{_esc(vocabulary.challenges(k))}]: {_esc(ep.judgment_notes[k])}"
            + (f" <i>{_esc(_sources_note(ep.evidence[k]))}</i>" if k in ep.evidence and ep.evidence[k]['source_ids'] else "")
            + (f" <b>Rests partly on later knowledge:</b> {_esc(later[k])}" if k in later else "")
            + "</li>"
            for k in cond.INPUTS
        )
        levers = "".join(f"<li><b>{_esc(cond.LEVER_LABELS[k])}</b>: {_esc(ep.lever_notes[k])}</li>" for k in cond.LEVERS)
        explain = _esc(r.explain()) if shown else "The full explanation appears once you record a prediction."
        self.detail_text.value = (f"<p>{explain}</p><p><b>Historical lever settings:</b></p><ul>{levers}</ul>"
                                  f"<p><b>Inputs for {ep.year}:</b></p><ul>{inputs}</ul>")
        self.alt = (
            f"Horizontal bar chart of the terms of the compliance margin for {ep.id}: threat "
            f"{t['threat_term']:+.2f}, reward {t['reward_term']:+.2f}, cost net of alignment {t['regime_term']:+.2f}, "
            f"aid ending if solved {t['aid_ends_term']:+.2f}; dashed line: the ceiling ({t['ceiling']:.2f}), the most the "
            f"levers can move the partner. "
            + (f"Margin {r.margin:+.2f} ({r.outcome}); over the input ranges it runs from {r.band[0]:+.2f} to "
               f"{r.band[1]:+.2f}. Zones: defy below {-cond.PARTIAL_BAND:.2f}, partial up to 0, comply from 0."
               if shown else "The margin bar and the verdict are hidden until a prediction is recorded.")
        )
        self._push_image()

    def set(self, **settings):
        """Set several levers or inputs at once; bad names or values raise a one-line InputError."""
        checked = {}
        for k, x in settings.items():
            if k in cond.LEVERS:
                checked[k] = cond._check_lever(k, x)
            elif k in cond.INPUTS:
                checked[k] = cond._check_input(k, x)
            else:
                v.choice("setting (a lever or an input)", k, list(cond.LEVERS) + list(cond.INPUTS))
        self._muted = True
        try:
            for k, x in checked.items():
                (self.controls.get(k) or self.judgment_sliders[k]).value = x
        finally:
            self._muted = False
        self.update()

    def reset(self):
        """Back to the historical lever values and the episode's inputs."""
        self.set(**self.episode.levers, **self.episode.judgments)
