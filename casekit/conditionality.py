"""A compact, transparent model of conditioning U.S. security assistance, with historical episodes.

The question
------------
The U.S. makes a demand of a partner government and holds back some assistance until it is met
(or promises something extra if it is). Does the partner comply, comply in part, or defy?

Variables
---------
Judgment inputs (one value per episode, each with a low..high uncertainty range, 0..1):

================  ===================================================================================
``aid_value``     how much a full year of U.S. security assistance matters to the partner
``outside_options``  share of what is withheld the partner can replace elsewhere (other donors,
                  other suppliers) -- the synthesis's ``O``
``us_dependence`` how much the U.S. needs the partner (basing, transit, mediation)
``cost``          the partner's political cost of the demanded change (``C``)
``gain``          the partner's own gain from the change, i.e. interest alignment (``G``)
``resolve``       U.S. resolve to keep the hold in place, before dependence and waivers
``lock_in``       chance the aid stops once the problem is solved (``s``; Powell 2019, Bapat 2011)
================  ===================================================================================

Levers (the policy choices a learner can change):

================  ===================================================================================
``share_withheld``      share of the year's assistance held back (0..1)
``withheld_item``       ``"fmf_cash"`` (financing) or ``"specific_systems"`` (named platforms)
``duration_months``     how long the hold is expected to last (1..36)
``public``              a public demand (True) or a private one (False)
``reward``              size of a promised reward for compliance (``R``, 0..1)
``reward_credibility``  whether the partner believes the reward will come (``q``, 0..1)
``monitoring``          chance non-compliance is detected (``m``, 0..1)
``waiver``              a national-security waiver is available to the executive (True/False)
================  ===================================================================================

Equation
--------
From the compact synthesis in the design notes (after Ladwig 2016, Svensson 2003, Powell 2019,
Bapat 2011, and Tankel & Dalton 2017 on positive conditionality)::

    A = aid_value * share_withheld * ITEM_FACTOR[withheld_item] * (0.5 + 0.5 * min(duration_months, 24) / 24)
    k = resolve * (1 - 0.5 * us_dependence) * (0.75 if waiver else 1) * (1.15 if public else 1), capped at 1
    C' = cost + (0.10 if public else 0)

    margin = q*R + m*k*A*(1 - O) - s*A - (C' - G)

    comply if margin >= 0; partial if -0.25 <= margin < 0; defy if margin < -0.25

* ``A`` is the value at stake. Named systems count for ``ITEM_FACTOR = 0.6`` of cash of the same
  nominal share (a partner can wait for, or buy substitutes for, a few platforms more easily than it
  can replace financing). A hold expected to be brief carries half its value; the value rises
  linearly to the full amount for holds expected to last two years or more.
* The synthesis writes the threat as ``m*k*(A - O)``. Here ``O`` is read as the *share* of the
  withheld value the partner can replace, so the threat is ``m*k*A*(1 - O)``. This keeps the threat
  non-negative, so better monitoring can never lower the margin.
* ``k`` (credibility of withholding) falls as the U.S. depends on the partner and when the executive
  has a waiver (Svensson 2003: a donor that bears a cost from withholding cannot commit to it;
  Rand & Tankel, Challenge 4: waivers signed for Pakistan). Going public raises ``k`` (backing down
  becomes costlier at home) but also raises the partner's cost of being seen to bend (Rand & Tankel,
  Challenge 5, on the signalling function aimed at publics). Both public-demand numbers are
  teaching assumptions.
* ``s*A`` is the lock-in term: if solving the problem ends the aid, complying costs the partner
  the aid itself (Powell 2019; Bapat 2011; Rand & Tankel, Challenge 6).

Directions of effect guaranteed by the equation: more monitoring never lowers the margin; an available
waiver never raises it; more reward credibility, resolve or gain never lower it; more cost,
us_dependence, outside options or lock-in never raise it.

Defaults
--------
Each episode's lever values at the decision point and its judgment defaults and ranges, every one
with a written justification, live in ``cases/episodes.yaml``. The constants above are module-level
names (``ITEM_FACTOR``, ``DURATION_CAP``, ``DEP_PENALTY``, ``WAIVER_FACTOR``, ``PUBLIC_K``,
``PUBLIC_COST``, ``PARTIAL_BAND``) so a seminar can change them and see what follows.

Scoring a learner's prediction
------------------------------
``score_prediction(episode, outcome, confidence)`` spreads the learner's confidence over the three
outcomes (the rest split evenly) and returns the Brier score against the recorded outcome (0 is
perfect, 2 the worst), with feedback text that names the record, the model's verdict and the
success score.

Uncertainty band
----------------
``band`` is the lowest and highest margin over a deterministic grid of the judgment inputs (each at
its low, default and high value: 3**7 = 2187 points). With the other inputs fixed, the margin is
monotonic in each judgment input on its own (it is linear in ``aid_value``, whose direction depends on
the other inputs), so its extremes over the ranges lie at corners of the box, which the grid contains:
the band is exact, not a sample. No random numbers are used.

Scoring history (PIIE-style)
----------------------------
Each episode carries a success score after Hufbauer, Schott, Elliott & Oegg (2007): policy result
(1 failed .. 4 success) times the contribution of the measure (1 negative .. 4 decisive); 9 or more
counts as a success. These are the kit's judgments, each justified in ``cases/episodes.yaml``.

What it cannot claim
--------------------
It shows directions, thresholds and sensitivity. It cannot give empirical probabilities, it was not
fitted to outcomes, and its inputs are judgments that learners must justify with cited evidence. The
recorded outcomes of episodes are themselves contested (e.g. Iraq 2014, Colombia), and many other
forces act on a partner at the same time as a hold.

Source ids (data/sources.csv): SEED-CNAS-2015, LADWIG-2016, SVENSSON-2003, POWELL-2019, BAPAT-2011,
TANKEL-DALTON-2017, HSEO-2007.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import yaml

from casekit import paths

__all__ = [
    "OUTCOMES",
    "LEVERS",
    "JUDGMENTS",
    "Episode",
    "Result",
    "PredictionScore",
    "EpisodeDataError",
    "episodes",
    "get_episode",
    "check_events",
    "margin",
    "simulate",
    "score_prediction",
]

OUTCOMES = ("comply", "partial", "defy")
ITEMS = ("fmf_cash", "specific_systems")
ITEM_FACTOR = {"fmf_cash": 1.0, "specific_systems": 0.6}
DURATION_CAP = 24
DEP_PENALTY = 0.5
WAIVER_FACTOR = 0.75
PUBLIC_K = 1.15
PUBLIC_COST = 0.10
PARTIAL_BAND = 0.25

#: lever name -> (kind, low, high) for numbers; (kind, choices) for choices
LEVERS = {
    "share_withheld": ("number", 0.0, 1.0),
    "withheld_item": ("choice", ITEMS),
    "duration_months": ("number", 1, 36),
    "public": ("bool",),
    "reward": ("number", 0.0, 1.0),
    "reward_credibility": ("number", 0.0, 1.0),
    "monitoring": ("number", 0.0, 1.0),
    "waiver": ("bool",),
}
JUDGMENTS = ("aid_value", "outside_options", "us_dependence", "cost", "gain", "resolve", "lock_in")

LEVER_LABELS = {
    "share_withheld": "share of the year's aid withheld",
    "withheld_item": "what is withheld",
    "duration_months": "expected duration (months)",
    "public": "public demand",
    "reward": "promised reward",
    "reward_credibility": "credibility of the reward",
    "monitoring": "monitoring",
    "waiver": "waiver available",
}
JUDGMENT_LABELS = {
    "aid_value": "value of a year's aid to the partner",
    "outside_options": "replaceable share (outside options)",
    "us_dependence": "U.S. dependence on the partner",
    "cost": "partner's cost of complying",
    "gain": "partner's own gain from complying",
    "resolve": "U.S. resolve",
    "lock_in": "lock-in (aid ends if solved)",
}

EPISODES_FILE = paths.CASES / "episodes.yaml"
SOURCE_IDS = ("SEED-CNAS-2015", "LADWIG-2016", "SVENSSON-2003", "POWELL-2019", "BAPAT-2011", "TANKEL-DALTON-2017",
              "HSEO-2007")


class EpisodeDataError(LookupError):
    """An episode's data (its events in data/events.csv, or its entry in cases/episodes.yaml) is missing."""


# ---------------------------------------------------------------------------------------------
# the equation
# ---------------------------------------------------------------------------------------------
def _value_at_stake(aid_value, share_withheld, withheld_item, duration_months):
    duration = 0.5 + 0.5 * min(float(duration_months), DURATION_CAP) / DURATION_CAP
    return aid_value * share_withheld * ITEM_FACTOR[withheld_item] * duration


def _credibility(resolve, us_dependence, waiver, public):
    k = resolve * (1.0 - DEP_PENALTY * us_dependence) * (WAIVER_FACTOR if waiver else 1.0)
    k = k * (PUBLIC_K if public else 1.0)
    return np.minimum(k, 1.0)


def terms(levers: dict, judgments: dict) -> dict:
    """Every intermediate quantity of the equation (works on floats or numpy arrays)."""
    j = judgments
    lv = levers
    A = _value_at_stake(j["aid_value"], lv["share_withheld"], lv["withheld_item"], lv["duration_months"])
    k = _credibility(j["resolve"], j["us_dependence"], lv["waiver"], lv["public"])
    cost = j["cost"] + (PUBLIC_COST if lv["public"] else 0.0)
    reward = lv["reward_credibility"] * lv["reward"]
    threat = lv["monitoring"] * k * A * (1.0 - j["outside_options"])
    lock = j["lock_in"] * A
    net_cost = cost - j["gain"]
    return {
        "value_at_stake": A,
        "credibility": k,
        "reward_term": reward,
        "threat_term": threat,
        "lock_in_term": -lock,
        "net_cost_term": -net_cost,
        "margin": reward + threat - lock - net_cost,
    }


def margin(levers: dict, judgments: dict) -> float:
    """The compliance margin for one set of lever and judgment values."""
    return float(terms(levers, judgments)["margin"])


def outcomes_between(low: float, high: float) -> tuple:
    """The outcomes whose margin zones overlap the interval low..high (e.g. an uncertainty band)."""
    zones = {"defy": (-math.inf, -PARTIAL_BAND), "partial": (-PARTIAL_BAND, 0.0), "comply": (0.0, math.inf)}
    return tuple(o for o in OUTCOMES if zones[o][0] <= high and low <= zones[o][1])


def classify(m: float) -> str:
    if m >= 0:
        return "comply"
    if m >= -PARTIAL_BAND:
        return "partial"
    return "defy"


# ---------------------------------------------------------------------------------------------
# episodes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Episode:
    id: str
    country: str
    title: str
    decision_date: str
    demand: str
    levers: dict
    lever_notes: dict
    judgments: dict  # name -> value
    ranges: dict  # name -> (low, high)
    judgment_notes: dict
    outcome: str
    outcome_summary: str
    piie_result: int
    piie_contribution: int
    piie_justification: str
    event_ids: tuple
    source_ids: tuple
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def piie_score(self) -> int:
        return self.piie_result * self.piie_contribution

    @property
    def piie_success(self) -> bool:
        return self.piie_score >= 9

    def events(self):
        """This episode's rows of data/events.csv; raises EpisodeDataError if they are missing."""
        from casekit import data

        try:
            ev = data.events(episode=self.id)
        except (FileNotFoundError, data.DataError) as exc:
            raise EpisodeDataError(
                f"cannot read the events of episode {self.id!r} from data/events.csv: {exc}"
            ) from exc
        if ev.empty:
            raise EpisodeDataError(
                f"data/events.csv has no rows with episode == {self.id!r}; the episode cannot be revealed"
            )
        listed = set(self.event_ids)
        found = set(ev["event_id"])
        missing = sorted(listed - set(data.load("events")["event_id"]))
        if missing:
            raise EpisodeDataError(f"episode {self.id!r} lists event_ids not in data/events.csv: {', '.join(missing)}")
        if listed and not listed & found:
            raise EpisodeDataError(f"none of episode {self.id!r}'s event_ids carry that episode id in data/events.csv")
        return ev


def _load_raw() -> dict:
    if not EPISODES_FILE.exists():
        raise EpisodeDataError("cases/episodes.yaml is missing")
    with open(EPISODES_FILE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    return doc.get("episodes", {})


def _check_lever(name, value):
    if name not in LEVERS:
        raise ValueError(f"unknown lever {name!r}; levers are: {', '.join(LEVERS)}")
    spec = LEVERS[name]
    if spec[0] == "number":
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number between {spec[1]} and {spec[2]}, got {value!r}") from None
        if math.isnan(v) or v < spec[1] or v > spec[2]:
            raise ValueError(f"{name} must be between {spec[1]} and {spec[2]}, got {value!r}")
        if name == "duration_months" and v.is_integer():
            return int(v)
        return v
    if spec[0] == "choice":
        if value not in spec[1]:
            raise ValueError(f"{name} must be one of {', '.join(spec[1])}, got {value!r}")
        return value
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _check_judgment(name, value):
    if name not in JUDGMENTS:
        raise ValueError(f"unknown judgment input {name!r}; inputs are: {', '.join(JUDGMENTS)}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    if math.isnan(v) or v < 0 or v > 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return v


def _parse(eid: str, raw: dict) -> Episode:
    where = f"cases/episodes.yaml, episode {eid!r}"
    try:
        levers = {k: _check_lever(k, raw["levers"][k]["value"]) for k in LEVERS}
        lever_notes = {k: raw["levers"][k].get("justification", "") for k in LEVERS}
        judgments, ranges, notes = {}, {}, {}
        for k in JUDGMENTS:
            entry = raw["judgments"][k]
            judgments[k] = _check_judgment(k, entry["value"])
            lo = _check_judgment(k, entry.get("low", entry["value"]))
            hi = _check_judgment(k, entry.get("high", entry["value"]))
            if not lo <= judgments[k] <= hi:
                raise ValueError(f"{k}: need low <= value <= high")
            ranges[k] = (lo, hi)
            notes[k] = entry.get("justification", "")
        outcome = raw["outcome"]
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}")
        piie = raw["piie"]
        result, contr = int(piie["policy_result"]), int(piie["contribution"])
        if not (1 <= result <= 4 and 1 <= contr <= 4):
            raise ValueError("PIIE indices run from 1 to 4")
        return Episode(
            id=eid,
            country=raw["country"],
            title=raw["title"],
            decision_date=str(raw["decision_date"]),
            demand=raw["demand"],
            levers=levers,
            lever_notes=lever_notes,
            judgments=judgments,
            ranges=ranges,
            judgment_notes=notes,
            outcome=outcome,
            outcome_summary=raw["outcome_summary"],
            piie_result=result,
            piie_contribution=contr,
            piie_justification=piie["justification"],
            event_ids=tuple(raw.get("event_ids") or ()),
            source_ids=tuple(raw.get("source_ids") or ()),
            raw=raw,
        )
    except KeyError as exc:
        raise EpisodeDataError(f"{where}: missing field {exc}") from None
    except ValueError as exc:
        raise EpisodeDataError(f"{where}: {exc}") from None


_CACHE: dict = {}


def _all() -> dict:
    if not EPISODES_FILE.exists():
        raise EpisodeDataError("cases/episodes.yaml is missing")
    stat = EPISODES_FILE.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    if _CACHE.get("key") != key:
        raw = _load_raw()
        _CACHE["episodes"] = {eid: _parse(eid, r) for eid, r in raw.items()}
        _CACHE["key"] = key
    return _CACHE["episodes"]


def episodes() -> list[str]:
    """The ids of the historical episodes, in the order stored."""
    return list(_all())


def get_episode(episode) -> Episode:
    if isinstance(episode, Episode):
        return episode
    eps = _all()
    if episode not in eps:
        raise EpisodeDataError(f"unknown episode {episode!r}; episodes are: {', '.join(eps)}")
    return eps[episode]


def check_events() -> dict:
    """Check every episode against data/events.csv; return {episode: number of events}.

    Raises EpisodeDataError naming every episode whose events are missing or whose event_ids do not
    resolve, so a broken link between the two files fails loudly rather than showing an empty timeline.
    """
    problems, counts = [], {}
    for eid in episodes():
        try:
            counts[eid] = len(get_episode(eid).events())
        except EpisodeDataError as exc:
            problems.append(str(exc))
    if problems:
        raise EpisodeDataError("; ".join(problems))
    return counts


# ---------------------------------------------------------------------------------------------
# simulate
# ---------------------------------------------------------------------------------------------
@dataclass
class Result:
    episode: str
    levers: dict
    judgments: dict
    terms: dict
    margin: float
    outcome: str
    band: tuple
    band_outcomes: tuple

    def explain(self) -> str:
        t = self.terms
        lines = [
            f"Model outcome: {self.outcome} (margin {self.margin:+.3f}; comply at 0 or above, "
            f"partial down to -{PARTIAL_BAND:.2f}).",
            f"Value at stake A = {t['value_at_stake']:.3f}; credibility of withholding k = {t['credibility']:.3f}.",
            f"Terms: reward {t['reward_term']:+.3f}, threat {t['threat_term']:+.3f}, "
            f"lock-in {t['lock_in_term']:+.3f}, net cost of complying {t['net_cost_term']:+.3f}.",
            f"Over the judgment ranges the margin runs from {self.band[0]:+.3f} to {self.band[1]:+.3f} "
            f"({self.band_outcomes[0]} to {self.band_outcomes[1]}).",
        ]
        biggest = min(("threat_term", "reward_term", "lock_in_term", "net_cost_term"), key=lambda n: t[n])
        if biggest == "net_cost_term" and t["net_cost_term"] < 0:
            lines.append("The partner's net cost of complying outweighs everything the levers can add.")
        elif biggest == "lock_in_term" and t["lock_in_term"] < 0:
            lines.append("Lock-in is the largest drag: complying would cost the partner the aid itself.")
        return " ".join(lines)


def _grid_margins(levers: dict, ranges: dict, base: dict) -> np.ndarray:
    axes = [np.array(sorted({ranges[k][0], base[k], ranges[k][1]})) for k in JUDGMENTS]
    mesh = np.meshgrid(*axes, indexing="ij")
    flat = {k: m.ravel() for k, m in zip(JUDGMENTS, mesh)}
    return terms(levers, flat)["margin"]


def simulate(episode, **settings) -> Result:
    """Run the model for ``episode`` with its historical lever values, changed by ``settings``.

    ``settings`` may name levers (see ``LEVERS``) or judgment inputs (see ``JUDGMENTS``). Values out
    of range raise ``ValueError`` with a message naming the allowed range. When a judgment input is
    set by hand its uncertainty range collapses to that value.
    """
    ep = get_episode(episode)
    levers = dict(ep.levers)
    judgments = dict(ep.judgments)
    ranges = dict(ep.ranges)
    for name, value in settings.items():
        if name in LEVERS:
            levers[name] = _check_lever(name, value)
        elif name in JUDGMENTS:
            judgments[name] = _check_judgment(name, value)
            ranges[name] = (judgments[name], judgments[name])
        else:
            raise ValueError(
                f"unknown setting {name!r}; levers are {', '.join(LEVERS)}; judgments are {', '.join(JUDGMENTS)}"
            )
    t = {k: float(v) for k, v in terms(levers, judgments).items()}
    grid = _grid_margins(levers, ranges, judgments)
    band = (float(min(grid.min(), t["margin"])), float(max(grid.max(), t["margin"])))
    return Result(
        episode=ep.id,
        levers=levers,
        judgments=judgments,
        terms=t,
        margin=t["margin"],
        outcome=classify(t["margin"]),
        band=band,
        band_outcomes=(classify(band[0]), classify(band[1])),
    )


# ---------------------------------------------------------------------------------------------
# predictions
# ---------------------------------------------------------------------------------------------
@dataclass
class PredictionScore:
    episode: str
    predicted: str
    confidence: float
    recorded: str
    correct: bool
    steps_off: int
    brier: float
    points: float
    model_outcome: str
    feedback: str


def score_prediction(episode, predicted_outcome: str, confidence: float) -> PredictionScore:
    """Score a learner's prediction against the recorded outcome.

    ``confidence`` (between 1/3 and 1) is the probability the learner puts on ``predicted_outcome``;
    the rest is split evenly over the other two outcomes. The Brier score (0 best, 2 worst) is the
    sum of squared differences between those probabilities and what happened; ``points`` rescales it
    to 0..1 (1 best). ``steps_off`` counts how far the prediction is on the comply-partial-defy scale.
    """
    ep = get_episode(episode)
    if predicted_outcome not in OUTCOMES:
        raise ValueError(f"predicted_outcome must be one of {', '.join(OUTCOMES)}, got {predicted_outcome!r}")
    try:
        conf = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(f"confidence must be a number between 1/3 and 1, got {confidence!r}") from None
    if math.isnan(conf) or conf < 1 / 3 - 1e-9 or conf > 1:
        raise ValueError(f"confidence must be between 1/3 (a pure guess) and 1 (certain), got {confidence!r}")
    probs = {o: (conf if o == predicted_outcome else (1 - conf) / 2) for o in OUTCOMES}
    brier = sum((probs[o] - (1.0 if o == ep.outcome else 0.0)) ** 2 for o in OUTCOMES)
    steps = abs(OUTCOMES.index(predicted_outcome) - OUTCOMES.index(ep.outcome))
    model = simulate(ep).outcome
    correct = predicted_outcome == ep.outcome
    verdict = "Right" if correct else ("Close" if steps == 1 else "Not this time")
    feedback = (
        f"{verdict}: you predicted '{predicted_outcome}' with confidence {conf:.2f}; the record says "
        f"'{ep.outcome}'. {ep.outcome_summary.strip()} Brier score {brier:.3f} (0 is perfect, 2 is worst). "
        f"The model with the historical settings says '{model}'. PIIE-style success score "
        f"{ep.piie_result} x {ep.piie_contribution} = {ep.piie_score} "
        f"({'a success' if ep.piie_success else 'not a success'}; 9 or more counts as success)."
    )
    return PredictionScore(
        episode=ep.id,
        predicted=predicted_outcome,
        confidence=conf,
        recorded=ep.outcome,
        correct=correct,
        steps_off=steps,
        brier=brier,
        points=1 - brier / 2,
        model_outcome=model,
        feedback=feedback,
    )
