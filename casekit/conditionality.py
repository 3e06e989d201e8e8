"""A compact, transparent model of conditioning U.S. security assistance, with historical episodes.

The question
------------
Washington makes a demand of a partner government and holds back some assistance until it is met
(or promises something extra if it is). Does the partner comply, comply in part, or defy?

Inputs (0..1; one meaning per name, shared with ``casekit.leverage``: see ``casekit.vocabulary``)
-----------------------------------------------------------------------------------------------
Taken, for the country and the decision year, from the same places as the leverage model (so the
two labs show the same value for the same name):

======================  ======================================================================  =======
``outside_options``     non-U.S. share of arms imports in the five years before (data)           C4
``credibility``         record of U.S. follow-through in the ten years before (data)             C4, C5
``lock_in``             steadiness of aid in the five years before: entitlement (data)           C6
``alignment``           how far the partner already wants the change (case judgment by period)   C2, C4
``us_dependence``       how much Washington needs the partner (case judgment by period)          C1, C4
``regime_cost``         how far complying threatens the ruling group (case judgment by period)   C4, C5
======================  ======================================================================  =======

Judged for each episode in ``cases/episodes.yaml`` (value, low..high range, justification, sources
and the date of the evidence):

======================  ======================================================================  =======
``stake``               how much a full year of what Washington can withhold or offer in this     C4
                        episode (aid *and* arms sales) matters to the partner
``resolve``             how determined Washington is, in this episode, to keep the hold           C5, C7
``aid_ends_if_solved``  chance that complying ends the aid stream itself (Powell 2019; Bapat      C2, C3
                        2011)
======================  ======================================================================  =======

Levers (the policy choices a learner can change): ``share_withheld`` (0..1), ``withheld_item``
(``"fmf_cash"`` or ``"specific_systems"``), ``duration_months`` (whole months, 1..36), ``public``
(True/False), ``reward`` (a promised reward as a share of a year's aid, 0..1), ``reward_credibility``
(0..1), ``monitoring`` (chance defiance is seen, 0..1), ``waiver`` (True when the executive can lift
the hold on its own: a national-security waiver exists or the hold is its own decision).

Equation
--------
After the compact synthesis in the design notes (Ladwig 2016, Svensson 2003, Powell 2019, Bapat 2011,
Tankel & Dalton 2017)::

    A      = stake * share_withheld * ITEM_FACTOR[withheld_item] * (0.5 + 0.5 * min(duration, 24) / 24)
    belief = (credibility + resolve) / 2 * (1 - DEP_PENALTY * us_dependence) * (1 - LOCKIN_PENALTY * lock_in)
    k      = belief                                  if the executive can release at will (waiver)
           = belief + BINDING_GAIN * (1 - belief)    if it cannot (set in law or by congressional holders)
    k      = min(1, k * PUBLIC_K) for a public demand                          (hold_credibility)

    threat   = monitoring * k * A * (1 - outside_options)
    reward   = reward_credibility * reward * stake
    pull     = min(threat + reward, stake)                                     (the ceiling is stake)
    net_cost = regime_cost - alignment + (PUBLIC_COST if public) + aid_ends_if_solved * stake

    margin = pull - net_cost;  comply if margin >= 0; partial if -0.25 <= margin < 0; defy below

* ``A`` is the value at stake in this hold: named systems count for ``ITEM_FACTOR = 0.6`` of cash of
  the same nominal share; a brief hold carries half its value, rising to the full amount for holds
  expected to last two years or more.
* ``k`` (``hold_credibility``) is the partner's belief that Washington will keep this hold. It starts
  from the record (``credibility``) and this episode's ``resolve``, is lowered by U.S. dependence on
  the partner (Svensson 2003: a donor that bears a cost from withholding cannot commit; Rand &
  Tankel, Challenge 4, on waivers signed for Pakistan) and by lock-in (Challenge 6: aid treated as an
  entitlement is hard to condition), and is raised when the executive cannot release the hold on its
  own (the FY2015 NDAA's $300m that could not be waived was in fact withheld: see the events) and,
  a little, by a public demand (backing down becomes costlier at home). A public demand also raises
  the partner's cost of being seen to bend (Challenge 5, the signalling function aimed at publics).
* **Lock-in does not scale with the share withheld.** ``aid_ends_if_solved * stake`` is the expected
  loss of the *whole* aid stream if solving the problem ends it; it is the same whatever share is
  held back, so withholding more can never make compliance less likely.
* **The ceiling.** Nothing Washington can threaten or promise through security assistance is worth more
  to the partner than what it can withhold or offer in the episode (``stake``): the stick can take at
  most the stake (less what the partner can replace), and a reward is capped at a year's aid. So
  ``pull <= stake``, and a demand whose net cost to the partner is above its stake -- a
  regime-threatening demand, where giving way costs the ruling group its hold on power (Ladwig 2016)
  -- **cannot be bought** by any setting of the levers. :func:`ceiling` shows the numbers.

Directions of effect (tested for every episode with hypothesis): with everything else fixed, the margin
never falls when Washington withholds a larger share, for longer, monitors better, offers a larger or
more credible reward, or gives up the executive's ability to release at will; it never rises with more
regime cost, outside options, U.S. dependence, lock-in or ``aid_ends_if_solved``, and never falls with
more alignment, credibility or resolve.

Defaults
--------
Each episode's lever values, its episode judgments with ranges, justifications, sources and evidence
dates live in ``cases/episodes.yaml``; the shared inputs come from ``data/`` and
``cases/<country>/judgments.yaml``. The constants are module-level names (``ITEM_FACTOR``,
``DURATION_CAP``, ``DEP_PENALTY``, ``LOCKIN_PENALTY``, ``BINDING_GAIN``, ``PUBLIC_K``, ``PUBLIC_COST``,
``PARTIAL_BAND``) so a seminar can change them and see what follows. ``BINDING_GAIN = 0.5``,
``DEP_PENALTY = 0.3`` and ``LOCKIN_PENALTY = 0.2`` are teaching assumptions, not estimates.

Uncertainty and precision
-------------------------
``band`` is the lowest and highest margin over the ranges of the case and episode judgments (the data
inputs are held at their values). The margin is monotonic in each of these inputs on its own (and linear
in ``stake``, because ``A``, the reward and the ceiling all scale with it), so its extremes lie at the
corners of the box: the band is exact, computed on the 2**6 corners. Margins are shown to two decimals
with their band, and the outcomes the band spans are named.

Outcomes and scoring
--------------------
Each episode has one or more **readings** of its outcome, each with sources; a disputed outcome
(egypt-2013, egypt-2017, iraq-2014, colombia-cert) carries both readings. ``score_prediction`` spreads
the learner's confidence over the three outcomes (the rest split evenly), returns the Brier score
against each reading (0 perfect, 2 worst) and says in its feedback when the record is disputed. Each
episode also carries a PIIE-style success score after Hufbauer, Schott, Elliott & Oegg (2007):
policy result (1..4) times contribution (1..4), 9 or more a success.

What it cannot claim
--------------------
It shows directions, thresholds and sensitivity. It cannot give empirical probabilities, it was not
fitted to outcomes, and its inputs are judgments that learners must justify with cited evidence dated no
later than the decision (where a value rests on later knowledge the lab says so). Outcomes are
themselves contested, and many other forces act on a partner at the same time as a hold.

Source ids (data/sources.csv): SEED-CNAS-2015, LADWIG-2016, SVENSSON-2003, POWELL-2019, BAPAT-2011,
TANKEL-DALTON-2017, HSEO-2007.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import yaml

from casekit import paths
from casekit import validate as v
from casekit import vocabulary

__all__ = [
    "OUTCOMES",
    "LEVERS",
    "JUDGMENTS",
    "INPUTS",
    "Episode",
    "Reading",
    "Result",
    "PredictionScore",
    "EpisodeDataError",
    "UnknownEpisodeError",
    "episodes",
    "get_episode",
    "check_events",
    "terms",
    "margin",
    "simulate",
    "strongest_stick",
    "ceiling",
    "score_prediction",
]

OUTCOMES = ("comply", "partial", "defy")
ITEMS = ("fmf_cash", "specific_systems")
ITEM_FACTOR = {"fmf_cash": 1.0, "specific_systems": 0.6}
DURATION_CAP = 24
DEP_PENALTY = 0.3
LOCKIN_PENALTY = 0.2
BINDING_GAIN = 0.5
PUBLIC_K = 1.15
PUBLIC_COST = 0.10
PARTIAL_BAND = 0.25
#: a change of the margin at least this large is "visible" (two-fifths of the partial band)
VISIBLE = 0.10

#: lever name -> (kind, ...) : ("number", low, high) | ("integer", low, high) | ("choice", choices) | ("bool",)
LEVERS = {
    "share_withheld": ("number", 0.0, 1.0),
    "withheld_item": ("choice", ITEMS),
    "duration_months": ("integer", 1, 36),
    "public": ("bool",),
    "reward": ("number", 0.0, 1.0),
    "reward_credibility": ("number", 0.0, 1.0),
    "monitoring": ("number", 0.0, 1.0),
    "waiver": ("bool",),
}
EPISODE_JUDGMENTS = ("stake", "resolve", "aid_ends_if_solved")
CASE_JUDGMENTS = ("alignment", "us_dependence", "regime_cost")
DATA_INPUTS = ("outside_options", "credibility", "lock_in")
#: every input with a judgment range (the band varies these)
JUDGMENTS = EPISODE_JUDGMENTS + CASE_JUDGMENTS
INPUTS = JUDGMENTS + DATA_INPUTS

LEVER_LABELS = {k: vocabulary.label(k) for k in LEVERS}
JUDGMENT_LABELS = {k: vocabulary.label(k) for k in INPUTS}
INPUT_LABELS = JUDGMENT_LABELS

EPISODES_FILE = paths.CASES / "episodes.yaml"
SOURCE_IDS = ("SEED-CNAS-2015", "LADWIG-2016", "SVENSSON-2003", "POWELL-2019", "BAPAT-2011", "TANKEL-DALTON-2017",
              "HSEO-2007")


class EpisodeDataError(LookupError):
    """An episode's data (its events in data/events.csv, or its entry in cases/episodes.yaml) is missing."""


class UnknownEpisodeError(v.InputError, EpisodeDataError):
    """A learner named an episode that does not exist (one-line message with the closest match)."""


# ---------------------------------------------------------------------------------------------
# the equation
# ---------------------------------------------------------------------------------------------
def _value_at_stake(stake, share_withheld, withheld_item, duration_months):
    duration = 0.5 + 0.5 * min(float(duration_months), DURATION_CAP) / DURATION_CAP
    return stake * share_withheld * ITEM_FACTOR[withheld_item] * duration


def _hold_credibility(credibility, resolve, us_dependence, lock_in, waiver, public):
    belief = (credibility + resolve) / 2.0 * (1.0 - DEP_PENALTY * us_dependence) * (1.0 - LOCKIN_PENALTY * lock_in)
    k = belief if waiver else belief + BINDING_GAIN * (1.0 - belief)
    if public:
        k = k * PUBLIC_K
    return np.minimum(k, 1.0)


def terms(levers: dict, inputs: dict) -> dict:
    """Every intermediate quantity of the equation (works on floats or numpy arrays)."""
    j, lv = inputs, levers
    A = _value_at_stake(j["stake"], lv["share_withheld"], lv["withheld_item"], lv["duration_months"])
    k = _hold_credibility(j["credibility"], j["resolve"], j["us_dependence"], j["lock_in"], lv["waiver"], lv["public"])
    threat = lv["monitoring"] * k * A * (1.0 - j["outside_options"])
    reward = lv["reward_credibility"] * lv["reward"] * j["stake"]
    ceiling_ = j["stake"]
    pull = np.minimum(threat + reward, ceiling_)
    ends = j["aid_ends_if_solved"] * j["stake"]
    regime = j["regime_cost"] + (PUBLIC_COST if lv["public"] else 0.0) - j["alignment"]
    net_cost = regime + ends
    return {
        "value_at_stake": A,
        "hold_credibility": k,
        "reward_term": reward,
        "threat_term": threat,
        "ceiling": ceiling_,
        "pull": pull,
        "capped": threat + reward - pull,
        "aid_ends_term": -ends,
        "regime_term": -regime,
        "net_cost": net_cost,
        "margin": pull - net_cost,
    }


def margin(levers: dict, inputs: dict) -> float:
    """The compliance margin for one set of lever and input values."""
    return float(terms(levers, inputs)["margin"])


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


def strongest_stick() -> dict:
    """The stick levers set for the largest possible threat (reward levers untouched): everything
    withheld in cash for three years, perfect monitoring, no executive release, a public demand."""
    return {"share_withheld": 1.0, "withheld_item": "fmf_cash", "duration_months": 36, "public": True,
            "monitoring": 1.0, "waiver": False}


# ---------------------------------------------------------------------------------------------
# episodes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    outcome: str
    summary: str
    source_ids: tuple


@dataclass(frozen=True)
class Episode:
    id: str
    country: str
    title: str
    decision_date: str
    demand: str
    levers: dict
    lever_notes: dict
    judgments: dict  # every input name -> value (episode judgments, case judgments, data)
    ranges: dict  # judgment name -> (low, high); data inputs have none
    judgment_notes: dict  # input name -> where the value comes from and why
    evidence: dict  # judgment name -> {"evidence_date", "source_ids", "later_knowledge", "origin"}
    readings: tuple
    piie_result: int
    piie_contribution: int
    piie_justification: str
    event_ids: tuple
    source_ids: tuple
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.decision_date[:4])

    @property
    def outcome(self) -> str:
        """The first reading's outcome (see ``readings`` when the record is disputed)."""
        return self.readings[0].outcome

    @property
    def outcome_summary(self) -> str:
        return " ".join(r.summary.strip() for r in self.readings)

    @property
    def disputed(self) -> bool:
        return len({r.outcome for r in self.readings}) > 1

    @property
    def piie_score(self) -> int:
        return self.piie_result * self.piie_contribution

    @property
    def piie_success(self) -> bool:
        return self.piie_score >= 9

    def later_knowledge(self) -> dict:
        """{input: note} for inputs whose value rests partly on knowledge from after the decision."""
        return {k: e["later_knowledge"] for k, e in self.evidence.items() if e.get("later_knowledge")}

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
    spec = LEVERS[v.choice("lever", name, LEVERS)]
    if spec[0] == "number":
        return v.number(name, value, spec[1], spec[2])
    if spec[0] == "integer":
        return v.integer(name, value, spec[1], spec[2])
    if spec[0] == "choice":
        return v.choice(name, value, spec[1])
    return v.boolean(name, value)


def _check_input(name, value):
    v.choice("input", name, INPUTS)
    return v.unit(name, value)


_check_judgment = _check_input


def _parse(eid: str, raw: dict) -> Episode:
    from casekit import leverage

    where = f"cases/episodes.yaml, episode {eid!r}"
    try:
        country = v.choice("country", raw["country"], leverage.COUNTRIES)
        decision_date = str(raw["decision_date"])
        year = int(decision_date[:4])
        levers = {k: _check_lever(k, raw["levers"][k]["value"]) for k in LEVERS}
        lever_notes = {k: " ".join(str(raw["levers"][k].get("justification", "")).split()) for k in LEVERS}
        values, ranges, notes, evidence = {}, {}, {}, {}
        for k in EPISODE_JUDGMENTS:
            entry = raw["judgments"][k]
            values[k] = _check_input(k, entry["value"])
            lo, hi = (_check_input(k, entry.get(b, entry["value"])) for b in ("low", "high"))
            if not lo <= values[k] <= hi:
                raise ValueError(f"{k}: need low <= value <= high")
            ranges[k] = (lo, hi)
            notes[k] = " ".join(str(entry.get("justification", "")).split())
            for need in ("justification", "source_ids", "evidence_date"):
                if not entry.get(need):
                    raise ValueError(f"{k}: needs a {need}")
            evidence[k] = {"evidence_date": str(entry["evidence_date"]), "source_ids": tuple(entry["source_ids"]),
                           "later_knowledge": " ".join(str(entry.get("later_knowledge") or "").split()),
                           "origin": "episode judgment"}
        case = leverage.judgments_for(country, year)
        for k in CASE_JUDGMENTS:
            c = case[k]
            values[k] = c["value"]
            ranges[k] = (c["low"], c["high"])
            if c["neutral"]:
                notes[k] = c["justification"]
            else:
                notes[k] = f"case judgment for {leverage.period_label(c['period'])}: {c['justification']}"
            evidence[k] = {"evidence_date": c["evidence_date"], "source_ids": tuple(c["source_ids"]),
                           "later_knowledge": c["later_knowledge"], "origin": "case judgment",
                           "neutral": c["neutral"]}
        data_values, data_notes = leverage.data_factors(country, year)
        for k in DATA_INPUTS:
            values[k] = data_values[k]
            notes[k] = f"data: {data_notes[k]}"
        readings = []
        for r in raw["readings"]:
            readings.append(Reading(v.choice("outcome", r["outcome"], OUTCOMES), " ".join(str(r["summary"]).split()),
                                    tuple(r.get("source_ids") or ())))
        if not readings:
            raise ValueError("needs at least one reading of the outcome")
        piie = raw["piie"]
        result, contr = int(piie["policy_result"]), int(piie["contribution"])
        if not (1 <= result <= 4 and 1 <= contr <= 4):
            raise ValueError("PIIE indices run from 1 to 4")
        return Episode(
            id=eid, country=country, title=raw["title"], decision_date=decision_date, demand=raw["demand"],
            levers=levers, lever_notes=lever_notes, judgments=values, ranges=ranges, judgment_notes=notes,
            evidence=evidence, readings=tuple(readings), piie_result=result, piie_contribution=contr,
            piie_justification=" ".join(str(piie["justification"]).split()),
            event_ids=tuple(raw.get("event_ids") or ()), source_ids=tuple(raw.get("source_ids") or ()), raw=raw,
        )
    except KeyError as exc:
        raise EpisodeDataError(f"{where}: missing field {exc}") from None
    except ValueError as exc:
        raise EpisodeDataError(f"{where}: {exc}") from None


_CACHE: dict = {}


def _fingerprint() -> tuple:
    """Content hashes of the episode files and the data (the kit's one cache rule, casekit.tables)."""
    from . import data, tables

    files = [EPISODES_FILE] + sorted(paths.CASES.glob("*/judgments.yaml"))
    return tuple((str(f), tables.file_digest(f)) for f in files if f.exists()) + (data.fingerprint(),)


def _all() -> dict:
    if not EPISODES_FILE.exists():
        raise EpisodeDataError("cases/episodes.yaml is missing")
    key = _fingerprint()
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
    try:
        return eps[v.choice("episode", episode, list(eps))]
    except v.InputError as exc:
        raise UnknownEpisodeError(str(exc)) from None


def check_events() -> dict:
    """Check every episode against data/events.csv; return {episode: number of events}."""
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
    best_margin: float = 0.0

    @property
    def can_be_bought(self) -> bool:
        """Whether any lever setting reaches comply with these inputs."""
        return self.best_margin >= 0

    def shown(self) -> str:
        """The margin as shown to learners: two decimals with its band."""
        return f"{self.margin:+.2f} (range {self.band[0]:+.2f} to {self.band[1]:+.2f})"

    def verdict(self) -> str:
        spans = outcomes_between(*self.band)
        if len(spans) == 1:
            return f"{self.outcome} (all of the range is in the {spans[0]} zone)"
        return f"{self.outcome} at the defaults; over the range: {' or '.join(spans)}"

    def ceiling_text(self) -> str:
        t = self.terms
        if self.can_be_bought:
            return (f"Ceiling: the levers can move the partner by at most {t['ceiling']:.2f} (its stake); its net "
                    f"cost of complying is {t['net_cost']:.2f}, so some setting of the levers reaches comply.")
        return (f"Ceiling: the levers can move the partner by at most {t['ceiling']:.2f} (its stake: nothing "
                f"Washington can withhold or offer is worth more to it), but complying costs it {t['net_cost']:.2f}. "
                f"No setting of the levers reaches comply: the demand cannot be bought.")

    def explain(self) -> str:
        t = self.terms
        return " ".join([
            f"Model: {self.verdict()}; margin {self.shown()}.",
            f"Threat {t['threat_term']:+.2f} (value at stake {t['value_at_stake']:.2f}, credibility of this hold "
            f"{t['hold_credibility']:.2f}), reward {t['reward_term']:+.2f}"
            + (f" (capped by {t['capped']:.2f} at the ceiling)" if t["capped"] > 1e-9 else "")
            + f"; cost to the ruling group net of alignment {t['regime_term']:+.2f}, aid ending if solved "
              f"{t['aid_ends_term']:+.2f}.",
            self.ceiling_text(),
        ])


def _corner_margins(levers: dict, ranges: dict, base: dict) -> np.ndarray:
    axes = [sorted({ranges[k][0], ranges[k][1], base[k]}) if k in ranges else [base[k]] for k in INPUTS]
    corners = np.array(list(itertools.product(*axes)), dtype=float)
    flat = {k: corners[:, i] for i, k in enumerate(INPUTS)}
    return terms(levers, flat)["margin"]


def _best_margin(inputs: dict) -> float:
    best = -math.inf
    for public in (False, True):
        lv = {**strongest_stick(), "public": public, "reward": 1.0, "reward_credibility": 1.0}
        best = max(best, margin(lv, inputs))
    return best


def _settings(ep: Episode, settings: dict):
    levers, inputs, ranges = dict(ep.levers), dict(ep.judgments), dict(ep.ranges)
    for name, value in settings.items():
        if name in LEVERS:
            levers[name] = _check_lever(name, value)
        elif name in INPUTS:
            inputs[name] = _check_input(name, value)
            ranges.pop(name, None)
        else:
            v.choice("setting (a lever or an input)", name, list(LEVERS) + list(INPUTS))
    return levers, inputs, ranges


def simulate(episode, **settings) -> Result:
    """Run the model for ``episode`` with its historical lever values, changed by ``settings``.

    ``settings`` may name levers (``LEVERS``) or inputs (``INPUTS``). Bad names or values raise
    :class:`casekit.validate.InputError` (a ``ValueError``) with a one-line message. An input set by
    hand loses its range.
    """
    ep = get_episode(episode)
    levers, inputs, ranges = _settings(ep, settings)
    t = {k: float(x) for k, x in terms(levers, inputs).items()}
    grid = _corner_margins(levers, ranges, inputs)
    band = (float(min(grid.min(), t["margin"])), float(max(grid.max(), t["margin"])))
    return Result(
        episode=ep.id, levers=levers, judgments=inputs, terms=t, margin=t["margin"], outcome=classify(t["margin"]),
        band=band, band_outcomes=(classify(band[0]), classify(band[1])), best_margin=_best_margin(inputs),
    )


def ceiling(episode, **settings) -> dict:
    """Where the ceiling comes from, for an episode: {stake, net_cost, best_margin, can_be_bought, text}."""
    r = simulate(episode, **settings)
    return {"stake": r.terms["ceiling"], "net_cost": r.terms["net_cost"], "best_margin": r.best_margin,
            "can_be_bought": r.can_be_bought, "text": r.ceiling_text()}


# ---------------------------------------------------------------------------------------------
# predictions
# ---------------------------------------------------------------------------------------------
@dataclass
class PredictionScore:
    episode: str
    predicted: str
    confidence: float
    readings: tuple
    brier_by_reading: dict
    correct: bool
    steps_off: int
    model_outcome: str
    feedback: str

    @property
    def recorded(self) -> str:
        return self.readings[0].outcome

    @property
    def brier(self) -> float:
        """Mean Brier score over the readings (one reading: its Brier score)."""
        return sum(self.brier_by_reading.values()) / len(self.brier_by_reading)

    @property
    def points(self) -> float:
        return 1 - self.brier / 2


def _brier(predicted, confidence, actual) -> float:
    probs = {o: (confidence if o == predicted else (1 - confidence) / 2) for o in OUTCOMES}
    return sum((probs[o] - (1.0 if o == actual else 0.0)) ** 2 for o in OUTCOMES)


def score_prediction(episode, predicted_outcome: str, confidence: float) -> PredictionScore:
    """Score a learner's prediction against each reading of the recorded outcome.

    ``confidence`` (from 1/3, a pure guess, to 1) is the probability put on ``predicted_outcome``; the
    rest is split evenly over the other two outcomes. The Brier score (0 best, 2 worst) is the sum of
    squared differences between those probabilities and what happened, computed for every reading.
    """
    ep = get_episode(episode)
    predicted_outcome = v.choice("outcome", predicted_outcome, OUTCOMES)
    conf = v.number("confidence", confidence, 1 / 3, 1.0)
    by_reading = {}
    for r in ep.readings:
        by_reading.setdefault(r.outcome, _brier(predicted_outcome, conf, r.outcome))
    steps = min(abs(OUTCOMES.index(predicted_outcome) - OUTCOMES.index(r.outcome)) for r in ep.readings)
    correct = any(predicted_outcome == r.outcome for r in ep.readings)
    res = simulate(ep)
    verdict = "Right" if correct else ("Close" if steps == 1 else "Not this time")
    parts = [f"{verdict}: you predicted '{predicted_outcome}' with confidence {conf:.2f}."]
    if ep.disputed:
        parts.append("The record is disputed, so your prediction is scored against each reading:")
        for r in ep.readings:
            parts.append(f"'{r.outcome}' ({r.summary} Sources: {', '.join(r.source_ids)}) Brier "
                         f"{by_reading[r.outcome]:.2f}.")
    else:
        r = ep.readings[0]
        parts.append(f"The record says '{r.outcome}': {r.summary} Brier score {by_reading[r.outcome]:.2f} "
                     "(0 is perfect, 2 is worst).")
    parts.append(f"The model with the historical settings: {res.verdict()}, margin {res.shown()}.")
    later = ep.later_knowledge()
    if later:
        parts.append("Inputs that rest partly on later knowledge: "
                     + "; ".join(f"{vocabulary.label(k)}: {n}" for k, n in later.items()))
    parts.append(f"PIIE-style success score {ep.piie_result} x {ep.piie_contribution} = {ep.piie_score} "
                 f"({'a success' if ep.piie_success else 'not a success'}; 9 or more counts as success).")
    return PredictionScore(
        episode=ep.id, predicted=predicted_outcome, confidence=conf, readings=ep.readings,
        brier_by_reading=by_reading, correct=correct, steps_off=steps, model_outcome=res.outcome,
        feedback=" ".join(parts),
    )
