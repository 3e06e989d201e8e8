"""A transparent teaching heuristic for U.S. leverage over a security-assistance partner.

What the score means
--------------------
``assess(country, year)`` returns a number between 0 and 1 that summarises how much *bargaining
room* the United States has if it tries to use security assistance to change a partner's
behaviour. 0 means "the assistance buys almost no leverage", 1 means "conditions have the best
chance this model can give them". It is a structured way of laying out the considerations in
Rand & Tankel (CNAS 2015), Challenges 4-6, so that learners can argue about the inputs. It is **not
a forecast and not a probability** (see "What it cannot claim" below).

Variables (all scaled to 0..1)
------------------------------
===============  =========  ==========================================================  ==========
factor           direction  meaning and how the kit gets it                              source
===============  =========  ==========================================================  ==========
dependence       raises     U.S. security assistance (incl. reimbursements such as CSF)  data
                            as a share of the partner's military spending (SIPRI,
                            current US$), divided by ``DEPENDENCE_SATURATION``
                            (0.5) and capped at 1: aid worth half the defence budget
                            or more counts as maximal dependence.
outside_options  lowers     non-U.S. share of the partner's arms imports (SIPRI TIV)    data
                            over the ``WINDOW`` (5) years ending in the year assessed
                            (or the nearest 5-year window with deliveries).
alignment        raises     how far the partner already wants what the U.S. asks for   judgment
                            (shared threat perception, Rand & Tankel Challenge 4).
us_dependence    lowers     how much the U.S. needs the partner (basing, transit,       judgment
                            mediation): the "reverse leverage" of the Pakistan GLOC
                            and Egypt anti-ISIS examples.
lock_in          lowers     how steady and expected the aid is: ``1 - CV`` of the       data
                            annual security-assistance series (CV = population
                            standard deviation / mean), clipped to 0..1, over the
                            fiscal years with data in the ``WINDOW`` (5) years ending
                            in the year assessed; if fewer than 3 such years have
                            data, over the 5 years with data nearest to it. Steady
                            aid becomes an entitlement (Challenge 6).
credibility      raises     the record of U.S. follow-through: ``(E + 1) / (E + B +     data
                            2)`` where E counts enforced measures (events of type
                            ``reprogram``, ``suspension``, ``sanctions``) and B counts
                            back-downs (``waiver``, ``release``) for the partner up to
                            the year assessed. With no record it is 0.5.
regime_cost      lowers     how threatening the typical U.S. demand is to the ruling    judgment
                            group's hold on power (Ladwig 2016).
===============  =========  ==========================================================  ==========

Equation
--------
Each factor ``x`` is turned into a *push toward leverage* ``g``: ``g = x`` for factors that raise
leverage and ``g = 1 - x`` for factors that lower it. The score is the weighted mean::

    score = sum_i  w_i * g_i          with  sum_i w_i = 1

    w = dependence 0.15, outside_options 0.15, alignment 0.20, us_dependence 0.10,
        lock_in 0.10, credibility 0.10, regime_cost 0.20

``contributions[f] = w_f * g_f / score`` is each factor's share of the score (they add up to 1).
Because every weight is positive, the directions of effect above hold everywhere: raising
``outside_options``, ``us_dependence``, ``lock_in`` or ``regime_cost`` never raises the score, and
raising ``dependence``, ``alignment`` or ``credibility`` never lowers it.

Why these weights (justification)
---------------------------------
* Alignment and regime cost get the largest weights because Rand & Tankel argue that when partner
  and patron disagree on a core threat or on domestic stability "it is very rare that any reasonable
  amount of assistance will change the partner's calculus" (Challenge 4), and because Ladwig (2016)
  finds that reforms threatening the regime's hold on power are the ones clients resist most.
* Dependence and outside options are the classic bargaining terms: aid matters more when it is a
  large part of the budget and when no other patron or supplier can replace it (domain notes, the
  compact synthesis ``m*k*(A - O)``).
* Credibility follows Svensson (2003): conditions work only if the donor can commit to withhold,
  and donors usually cannot; a record of waivers and quiet releases teaches the partner that.
* Lock-in follows Challenge 6 (aid that is steady and expected is treated as an entitlement) and
  Powell (2019) on agents with little reason to solve the problem that keeps aid flowing.
* U.S. dependence follows Challenge 4's Pakistan example: successive secretaries of defense signed
  waivers because the U.S. needed the supply routes.
These are teaching choices, not estimates: every weight and factor can be changed by the learner.

Uncertainty
-----------
Each judgment in ``cases/<country>/judgments.yaml`` has a plausible ``low``..``high`` range.
``Assessment.band()`` gives the lowest and highest score over those ranges (exact, because the score is
monotonic in every factor). ``Assessment.sensitivity()`` shows how far each factor can move the score
from the current settings, and ``most_sensitive()`` names the factor with the most room.

Gaps in the data
----------------
Where the year assessed has no value, the nearest year with data is used (ties go to the earlier
year) and ``explain()`` says so. A gap is never read as zero. If a country has no usable data for a
factor at all, the factor is set to a neutral 0.5 and ``explain()`` says this too; override it.

What it cannot claim
--------------------
* It is a teaching heuristic: the weights are judgments, not fitted to outcomes, and the score is not
  a probability of compliance.
* The data factors are proxies: the aid series mixes appropriations and other bases where the
  sources do, SIPRI TIV measures military capability transferred, not money, and fiscal years are set
  against calendar years.
* An additive score lets a strong factor compensate for a weak one; the report suggests that
  disagreement on core interests may not be compensable at all.
* It says nothing about *which* demand is made; use ``casekit.conditionality`` for that.

Sources: Rand & Tankel 2015 (CNAS); Ladwig 2016 (International Security 41:1); Svensson 2003
(J. Development Economics 70); Powell 2019 (APSR). Source ids are listed in ``SOURCE_IDS``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd
import yaml

from casekit import paths

__all__ = [
    "FACTORS",
    "DIRECTIONS",
    "WEIGHTS",
    "COUNTRIES",
    "Assessment",
    "assess",
    "score_from_factors",
    "load_judgments",
    "dependence_from_share",
    "outside_options_from_shares",
    "lock_in_from_series",
    "credibility_from_events",
]

COUNTRIES = ("Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia")

FACTORS = (
    "dependence",
    "outside_options",
    "alignment",
    "us_dependence",
    "lock_in",
    "credibility",
    "regime_cost",
)
#: +1: more of the factor never lowers the score; -1: more of it never raises the score.
DIRECTIONS = {
    "dependence": +1,
    "outside_options": -1,
    "alignment": +1,
    "us_dependence": -1,
    "lock_in": -1,
    "credibility": +1,
    "regime_cost": -1,
}
WEIGHTS = {
    "dependence": 0.15,
    "outside_options": 0.15,
    "alignment": 0.20,
    "us_dependence": 0.10,
    "lock_in": 0.10,
    "credibility": 0.10,
    "regime_cost": 0.20,
}
LABELS = {
    "dependence": "dependence on U.S. aid",
    "outside_options": "outside options (other suppliers)",
    "alignment": "alignment with the U.S. ask",
    "us_dependence": "U.S. dependence on the partner",
    "lock_in": "lock-in (steady, expected aid)",
    "credibility": "credibility of U.S. follow-through",
    "regime_cost": "cost of the ask to the regime",
}
DATA_FACTORS = ("dependence", "outside_options", "lock_in", "credibility")
JUDGMENT_FACTORS = ("alignment", "us_dependence", "regime_cost")

DEPENDENCE_SATURATION = 0.5
WINDOW = 5
MIN_LOCK_IN_YEARS = 3
NEUTRAL = 0.5
US_SUPPLIER = "United States"
#: Coalition Support Funds and similar reimbursements count as security assistance here: Rand & Tankel
#: (Challenge 4) note CSF is "not traditional security assistance" but is "intended to serve as a lever".
INCLUDE_REIMBURSEMENT = True
ENFORCED_EVENTS = ("reprogram", "suspension", "sanctions")
BACKDOWN_EVENTS = ("waiver", "release")

SOURCE_IDS = ("SEED-CNAS-2015", "LADWIG-2016", "SVENSSON-2003", "POWELL-2019")

assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-12


# ---------------------------------------------------------------------------------------------
# Pure pieces (no data access): easy to test, easy to read
# ---------------------------------------------------------------------------------------------
def _check_unit(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    if math.isnan(v) or v < 0.0 or v > 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return v


def score_from_factors(factors: Mapping[str, float], weights: Mapping[str, float] | None = None):
    """Return ``(score, contributions)`` for a full set of factor values in 0..1."""
    weights = dict(WEIGHTS if weights is None else weights)
    missing = [f for f in FACTORS if f not in factors]
    if missing:
        raise ValueError(f"missing factor(s): {', '.join(missing)}")
    pushes = {}
    for f in FACTORS:
        x = _check_unit(f, factors[f])
        pushes[f] = x if DIRECTIONS[f] > 0 else 1.0 - x
    terms = {f: weights[f] * pushes[f] for f in FACTORS}
    score = sum(terms.values())
    score = min(1.0, max(0.0, score))
    if score > 0:
        contributions = {f: terms[f] / sum(terms.values()) for f in FACTORS}
    else:
        contributions = {f: 0.0 for f in FACTORS}
    return score, contributions


def dependence_from_share(share: float) -> float:
    """Map aid/military-spending share to the 0..1 dependence factor (capped at saturation)."""
    if share is None or (isinstance(share, float) and math.isnan(share)) or share < 0:
        raise ValueError(f"share must be a number >= 0, got {share!r}")
    return min(1.0, float(share) / DEPENDENCE_SATURATION)


def outside_options_from_shares(shares: Mapping[str, float]) -> float:
    """Non-U.S. share of arms imports, from supplier -> share (shares should sum to about 1)."""
    shares = {k: float(v) for k, v in dict(shares).items() if v is not None and not pd.isna(v)}
    total = sum(shares.values())
    if total <= 0:
        raise ValueError("no arms deliveries in the window: outside options are unknown, not zero")
    us = shares.get(US_SUPPLIER, 0.0)
    return min(1.0, max(0.0, 1.0 - us / total))


def lock_in_from_series(values) -> float:
    """``1 - coefficient of variation`` of annual aid (NaN dropped), clipped to 0..1."""
    vals = [float(v) for v in values if v is not None and not pd.isna(v)]
    if len(vals) < 2:
        raise ValueError("need at least two years of aid data to measure steadiness")
    mean = sum(vals) / len(vals)
    if mean <= 0:
        return 0.0
    var = sum((v - mean) ** 2 for v in vals) / len(vals)
    cv = math.sqrt(var) / mean
    return min(1.0, max(0.0, 1.0 - cv))


def credibility_from_events(event_types) -> tuple[float, int, int]:
    """``(credibility, enforced, backdowns)`` from a list of event types."""
    types = [str(t) for t in event_types]
    enforced = sum(t in ENFORCED_EVENTS for t in types)
    backdown = sum(t in BACKDOWN_EVENTS for t in types)
    return (enforced + 1) / (enforced + backdown + 2), enforced, backdown


def _nearest(series: pd.Series, year: int):
    """Value at ``year`` or at the nearest year with data (ties: earlier). Returns (value, year)."""
    s = pd.Series(series).dropna()
    if s.empty:
        return None, None
    years = sorted(int(y) for y in s.index)
    best = min(years, key=lambda y: (abs(y - year), y))
    return float(s.loc[best]), best


# ---------------------------------------------------------------------------------------------
# Judgments stored per case
# ---------------------------------------------------------------------------------------------
def _slug(country: str) -> str:
    return country.strip().lower()


def _check_country(country: str) -> str:
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; use one of: {', '.join(COUNTRIES)}")
    return country


def judgments_path(country: str):
    return paths.CASES / _slug(_check_country(country)) / "judgments.yaml"


def load_judgments(country: str) -> dict:
    """Read ``cases/<country>/judgments.yaml``: {factor: {value, low, high, justification, source_ids}}."""
    path = judgments_path(country)
    if not path.exists():
        raise FileNotFoundError(f"no judgments file for {country}: expected cases/{_slug(country)}/judgments.yaml")
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    out = {}
    for f in JUDGMENT_FACTORS:
        entry = (doc or {}).get(f)
        if not isinstance(entry, dict) or "value" not in entry:
            raise ValueError(f"cases/{_slug(country)}/judgments.yaml: factor {f!r} needs a 'value'")
        entry = dict(entry)
        entry["value"] = _check_unit(f"{country} {f}", entry["value"])
        for key in ("low", "high"):
            entry[key] = _check_unit(f"{country} {f} {key}", entry.get(key, entry["value"]))
        if not entry.get("justification") or not entry.get("source_ids"):
            raise ValueError(
                f"cases/{_slug(country)}/judgments.yaml: factor {f!r} needs a justification and source_ids"
            )
        out[f] = entry
    return out


# ---------------------------------------------------------------------------------------------
# Data-derived factors
# ---------------------------------------------------------------------------------------------
def _data():
    from casekit import data

    return data


def _default_year(country: str) -> int:
    s = _data().security_assistance_series(country, include_reimbursement=INCLUDE_REIMBURSEMENT).dropna()
    if s.empty:
        raise ValueError(f"no U.S. security assistance data for {country}")
    return int(max(s.index))


def _factor_dependence(country: str, year: int):
    share = _data().security_share_of_milex(country, include_reimbursement=INCLUDE_REIMBURSEMENT)
    value, used = _nearest(share, year)
    if value is None:
        return NEUTRAL, f"no aid-to-military-spending data for {country}: dependence set to a neutral 0.5"
    note = f"aid was {value:.1%} of military spending in {used}"
    if used != year:
        note += f" (no {year} figure; nearest year with data used)"
    return dependence_from_share(value), note


def _arms_years(country: str) -> list[int]:
    arms = _data().load("arms_imports")
    rows = arms[(arms["recipient"] == country) & (arms["tiv_millions"].fillna(0) > 0)]
    return sorted({int(y) for y in rows["year"]})


def _factor_outside_options(country: str, year: int):
    years = _arms_years(country)
    if not years:
        return NEUTRAL, f"no SIPRI deliveries recorded for {country}: outside options set to a neutral 0.5"
    end = year
    window = [y for y in years if end - WINDOW < y <= end]
    shifted = False
    if not window:
        end = min(years, key=lambda y: (abs(y - year), y))
        shifted = True
    start = end - WINDOW + 1
    shares = _data().supplier_shares(country, start, end)
    value = outside_options_from_shares(shares)
    note = f"non-U.S. suppliers delivered {value:.0%} of arms imports (TIV) in {start}-{end}"
    if shifted:
        note += f" (no deliveries recorded in the {WINDOW} years to {year}; nearest window with data used)"
    return value, note


def _factor_lock_in(country: str, year: int):
    s = _data().security_assistance_series(country, include_reimbursement=INCLUDE_REIMBURSEMENT).dropna()
    s.index = [int(y) for y in s.index]
    s = s.sort_index()
    if len(s) < 2:
        return NEUTRAL, f"fewer than two years of aid data for {country}: lock-in set to a neutral 0.5"
    in_window = s[(s.index > year - WINDOW) & (s.index <= year)]
    if len(in_window) >= MIN_LOCK_IN_YEARS:
        used = in_window
        shifted = False
    else:
        # nearest WINDOW years with data to the year assessed (ties: earlier)
        order = sorted(s.index, key=lambda y: (abs(y - year), y))[:WINDOW]
        used = s.loc[sorted(order)]
        shifted = True
    value = lock_in_from_series(used.values)
    yrs = list(used.index)
    note = f"aid steadiness 1 - CV = {value:.2f} over {len(yrs)} fiscal years with data ({yrs[0]}-{yrs[-1]})"
    if shifted:
        note += f" (fewer than {MIN_LOCK_IN_YEARS} years with data in the {WINDOW} years to {year}; nearest years used)"
    return value, note


def _factor_credibility(country: str, year: int):
    ev = _data().events(country=country)
    dates = ev["date"].astype(str).str[:4].astype(int)
    ev = ev[dates <= year]
    value, enforced, backdown = credibility_from_events(ev["event_type"])
    note = (
        f"record up to {year}: {enforced} enforced measure(s) (reprogram/suspension/sanctions) "
        f"against {backdown} waiver(s)/release(s)"
    )
    return value, note


_DATA_FUNCS = {
    "dependence": _factor_dependence,
    "outside_options": _factor_outside_options,
    "lock_in": _factor_lock_in,
    "credibility": _factor_credibility,
}


def data_factors(country: str, year: int) -> tuple[dict, dict]:
    """Compute the data-derived factors for ``country`` in ``year``: ({factor: value}, {factor: note})."""
    values, notes = {}, {}
    for f in DATA_FACTORS:
        values[f], notes[f] = _DATA_FUNCS[f](country, year)
    return values, notes


# ---------------------------------------------------------------------------------------------
# The assessment object
# ---------------------------------------------------------------------------------------------
@dataclass
class Assessment:
    country: str
    year: int
    factors: dict
    score: float
    contributions: dict
    notes: dict = field(default_factory=dict)
    overridden: tuple = ()
    weights: dict = field(default_factory=lambda: dict(WEIGHTS))
    ranges: dict = field(default_factory=dict)

    def with_factors(self, **changes) -> "Assessment":
        """A copy with some factor values replaced (same country, year and notes)."""
        for k in changes:
            if k not in FACTORS:
                raise ValueError(f"unknown factor {k!r}; use one of: {', '.join(FACTORS)}")
        factors = {**self.factors, **{k: _check_unit(k, v) for k, v in changes.items()}}
        score, contributions = score_from_factors(factors, self.weights)
        overridden = tuple(sorted(set(self.overridden) | set(changes)))
        ranges = {f: r for f, r in self.ranges.items() if f not in changes}
        return Assessment(self.country, self.year, factors, score, contributions, dict(self.notes), overridden,
                          dict(self.weights), ranges)

    def band(self) -> tuple:
        """Lowest and highest score over the judgment ranges in the case file (others held fixed).

        The score is monotonic in every factor, so the extremes sit at the ends of the ranges.
        Factors set by hand have no range.
        """
        worst, best = {}, {}
        for f, (lo, hi) in self.ranges.items():
            worst[f], best[f] = (lo, hi) if DIRECTIONS[f] > 0 else (hi, lo)
        low = score_from_factors({**self.factors, **worst}, self.weights)[0]
        high = score_from_factors({**self.factors, **best}, self.weights)[0]
        return (min(low, self.score), max(high, self.score))

    def sensitivity(self, step: float = 0.1) -> dict:
        """How far each factor can move the score from the current settings.

        Returns {factor: {"up", "down", "to_best", "to_worst", "room"}}: ``up``/``down`` are the score
        changes when the factor moves ``step`` up or down (clipped to 0..1); ``to_best``/``to_worst``
        are the changes when it moves to its most / least favourable bound; ``room`` is the larger
        of ``|to_best|`` and ``|to_worst|``.
        """
        out = {}
        for f in FACTORS:
            x = self.factors[f]
            best, worst = (1.0, 0.0) if DIRECTIONS[f] > 0 else (0.0, 1.0)
            up = self.with_factors(**{f: min(1.0, x + step)}).score - self.score
            down = self.with_factors(**{f: max(0.0, x - step)}).score - self.score
            to_best = self.with_factors(**{f: best}).score - self.score
            to_worst = self.with_factors(**{f: worst}).score - self.score
            out[f] = {"up": up, "down": down, "to_best": to_best, "to_worst": to_worst,
                      "room": max(abs(to_best), abs(to_worst))}
        return out

    def most_sensitive(self) -> str:
        """The factor that can move the score furthest (either way) from the current settings."""
        sens = self.sensitivity()
        return max(FACTORS, key=lambda f: (round(sens[f]["room"], 12), -FACTORS.index(f)))

    def level(self) -> str:
        if self.score < 0.35:
            return "low"
        if self.score < 0.55:
            return "moderate"
        return "high"

    def _push(self, f: str) -> float:
        return self.factors[f] if DIRECTIONS[f] > 0 else 1.0 - self.factors[f]

    def _phrase(self, f: str) -> str:
        x = self.factors[f]
        size = "high" if x >= 2 / 3 else ("low" if x <= 1 / 3 else "moderate")
        return f"{size} {LABELS[f]} ({x:.2f})"

    def explain(self) -> str:
        """A plain-language paragraph: score, what drives it, what holds it back, data caveats."""
        helps = sorted((f for f in FACTORS if self._push(f) >= 0.5),
                       key=lambda f: self.weights[f] * self._push(f), reverse=True)
        hurts = sorted((f for f in FACTORS if self._push(f) < 0.5),
                       key=lambda f: self.weights[f] * (1 - self._push(f)), reverse=True)
        parts = [
            f"{self.country}, {self.year}: leverage score {self.score:.2f} on a 0-1 scale ({self.level()})."
        ]
        if helps:
            parts.append("Working for U.S. leverage: " + ", ".join(self._phrase(f) for f in helps[:3]) + ".")
        if hurts:
            parts.append("Working against it: " + ", ".join(self._phrase(f) for f in hurts[:3]) + ".")
        top = self.most_sensitive()
        sens = self.sensitivity()[top]
        parts.append(
            f"From these settings, {LABELS[top]} has the most room to move the score: at its most "
            f"favourable value the score would change by {sens['to_best']:+.2f}, at its least favourable "
            f"by {sens['to_worst']:+.2f}."
        )
        for f in DATA_FACTORS:
            label = LABELS[f][0].upper() + LABELS[f][1:]
            if f in self.overridden:
                parts.append(f"{label} was set by hand to {self.factors[f]:.2f}.")
            elif f in self.notes:
                parts.append(f"{label}: {self.notes[f]}.")
        if self.ranges:
            low, high = self.band()
            parts.append(
                f"Over the plausible ranges of the case judgments ({', '.join(LABELS[f] for f in self.ranges)}) "
                f"the score runs from {low:.2f} to {high:.2f}."
            )
        judged = [f for f in JUDGMENT_FACTORS if f in self.overridden]
        if judged:
            parts.append("Set by hand: " + ", ".join(f"{LABELS[f]} = {self.factors[f]:.2f}" for f in judged) + ".")
        parts.append("This is a teaching heuristic built from judgments, not a forecast of behaviour.")
        return " ".join(parts)

    def table(self) -> pd.DataFrame:
        """Factors, weights, direction and contribution as a small DataFrame (for printing)."""
        return pd.DataFrame(
            {
                "value": [round(self.factors[f], 3) for f in FACTORS],
                "direction": ["raises" if DIRECTIONS[f] > 0 else "lowers" for f in FACTORS],
                "weight": [self.weights[f] for f in FACTORS],
                "share_of_score": [round(self.contributions[f], 3) for f in FACTORS],
            },
            index=pd.Index(FACTORS, name="factor"),
        )


def assess(country: str, year: int | None = None, **overrides) -> Assessment:
    """Assess U.S. leverage over ``country`` in ``year`` (default: latest year with aid data).

    Any factor can be overridden with a keyword argument (a number in 0..1), e.g.
    ``assess("Egypt", 2013, alignment=0.1)``. Unknown names and out-of-range values raise
    ``ValueError``.
    """
    _check_country(country)
    for k, v in overrides.items():
        if k not in FACTORS:
            raise ValueError(f"unknown factor {k!r}; use one of: {', '.join(FACTORS)}")
        _check_unit(k, v)
    if year is None:
        year = _default_year(country)
    year = int(year)
    factors, notes = {}, {}
    for f in DATA_FACTORS:
        if f in overrides:
            continue
        factors[f], notes[f] = _DATA_FUNCS[f](country, year)
    judgments = load_judgments(country)
    for f in JUDGMENT_FACTORS:
        factors[f] = judgments[f]["value"]
        notes[f] = f"case judgment {judgments[f]['value']:.2f} ({judgments[f]['justification'].strip()})"
    for k, v in overrides.items():
        factors[k] = float(v)
    factors = {f: factors[f] for f in FACTORS}
    score, contributions = score_from_factors(factors)
    ranges = {f: (judgments[f]["low"], judgments[f]["high"]) for f in JUDGMENT_FACTORS if f not in overrides}
    return Assessment(country, year, factors, score, contributions, notes, tuple(sorted(overrides)), dict(WEIGHTS),
                      ranges)
