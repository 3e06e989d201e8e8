"""A transparent teaching heuristic for U.S. leverage over a security-assistance partner.

What the score means
--------------------
``assess(country, year)`` returns a number between 0 and 1 that summarises how much *bargaining
room* the United States has if it tries to use security assistance to change a partner's
behaviour in ``year``. 0 means "the assistance buys almost no leverage", 1 means "conditions have the
best chance this model can give them". It lays out the considerations of Rand & Tankel (CNAS 2015),
Challenges 4-6, so that learners can argue about the inputs. It is **not a forecast and not a
probability**, and it is shown with its range: two scores whose ranges overlap are a tie.

What could be known in ``year``
-------------------------------
Every data factor for ``year`` is computed from data for the years *before* it (what could be known
when that year began), and every case judgment applies to a stated period of years and cites
evidence dated no later than the start of that period. A year outside every period gets the neutral
value 0.5 with the widest range (0..1), and the explanation says so.

Variables (all 0..1; one meaning each, shared with ``casekit.conditionality``: see ``casekit.vocabulary``)
---------------------------------------------------------------------------------------------------
===============  =========  ====================================================================  =======
factor           direction  meaning and how the kit gets it                                        RT
===============  =========  ====================================================================  =======
dependence       raises     U.S. security assistance (incl. reimbursements such as CSF) divided by  C4
                            the partner's military spending (SIPRI, current US$), each **averaged
                            over the** ``WINDOW`` **(5) years before** ``year`` (at least 3 years
                            with both figures; otherwise the nearest earlier years), then divided by
                            ``DEPENDENCE_SATURATION`` (0.5) and capped at 1. Averaging the
                            denominator keeps a currency collapse (Egypt's pound, 2016-17) from
                            swinging the factor when nothing changed in the relationship.
outside_options  lowers     non-U.S. share of the partner's arms imports (SIPRI TIV) in the five   C4
                            years before ``year`` (or the nearest earlier five-year window with
                            deliveries).
alignment        raises     how far the partner already wants the change Washington asks for in    C2, C4
                            that period (case judgment by period).
us_dependence    lowers     how much the U.S. needs the partner (basing, transit, mediation):      C1, C4
                            reverse leverage (case judgment by period).
lock_in          lowers     how steady and expected the aid is: ``1 - CV`` of annual security      C6
                            assistance (CV = population standard deviation / mean) over the fiscal
                            years with data in the five years before ``year`` (at least 3; else
                            the nearest earlier five years with data). Steady aid becomes an
                            entitlement (Challenge 6).
credibility      raises     the record of U.S. follow-through in the ``CREDIBILITY_WINDOW`` (10)    C4, C5
                            years before ``year``: ``(E + 1) / (E + B + 2)``, where E counts years
                            with an enforced measure and B years with a back-down, coded from
                            ``data/events.csv`` by the rule below. With no record it is 0.5.
regime_cost      lowers     how far the period's typical U.S. demand threatens the ruling group's  C4, C5
                            hold on power (Ladwig 2016; case judgment by period).
===============  =========  ====================================================================  =======

Credibility coding (documented, one rule for every country)
-----------------------------------------------------------
* **enforced** (Washington followed through): event types ``hold``, ``suspension``, ``sanctions``,
  ``reprogram``, and a ``certification`` the executive refused or withheld (listed by id in
  ``CERTIFICATION_REFUSED``; a granted certification counts as neither).
* **back-down** (conditions set aside or held aid let go): ``waiver`` and ``release``. The
  national-security waivers of the Enhanced Partnership with Pakistan Act of 2009 (2012) and of the
  Coalition Support Fund conditions (reported December 2014) are coded in ``data/events.csv``.
* Each calendar year counts **at most once** as enforced and at most once as a back-down, so splitting
  one decision into several rows does not change the score. The window is the ten years before the
  year assessed; the year itself (an episode in progress) is excluded.

Equation
--------
Each factor ``x`` becomes a *push toward leverage* ``g = x`` (raises) or ``g = 1 - x`` (lowers)::

    score = sum_i  w_i * g_i          with  sum_i w_i = 1

    w = dependence 0.15, outside_options 0.15, alignment 0.20, us_dependence 0.10,
        lock_in 0.10, credibility 0.10, regime_cost 0.20

Because every weight is positive, raising ``outside_options``, ``us_dependence``, ``lock_in`` or
``regime_cost`` never raises the score, and raising ``dependence``, ``alignment`` or ``credibility``
never lowers it.

Why these weights (justification)
---------------------------------
* Alignment and regime cost get the largest weights because Rand & Tankel argue that when partner
  and patron disagree on a core threat or on domestic stability "it is very rare that any reasonable
  amount of assistance will change the partner's calculus" (Challenge 4), and Ladwig (2016) finds that
  reforms threatening the regime's hold on power are the ones clients resist most.
* Dependence and outside options are the classic bargaining terms: aid matters more when it is a large
  part of the budget and when no other patron or supplier can replace it.
* Credibility follows Svensson (2003): conditions work only if the donor can commit to withhold; a
  record of waivers and quiet releases teaches the partner that it need not comply.
* Lock-in follows Challenge 6 (steady, expected aid is treated as an entitlement).
* U.S. dependence follows Challenge 4's Pakistan example (waivers signed because the U.S. needed the
  supply routes).
These are teaching choices, not estimates: every weight and factor can be changed by the learner.

Precision, ranges and ties
--------------------------
The inputs are judgments and proxies, so scores are shown to two decimals with their range over the
case judgments' ranges (``Assessment.band()``); ``rank_with_ties`` ranks several assessments with
overlapping ranges treated as ties (mid-ranks): an assessment ranks strictly below only those whose whole
range lies above its own. Nothing is ranked on a difference smaller than the ranges.

What it cannot claim
--------------------
* It is a teaching heuristic: the weights are judgments, not fitted to outcomes, and the score is not
  a probability of compliance.
* The data factors are proxies: the aid series mixes appropriations and other bases where the sources
  do, SIPRI TIV measures military capability transferred, not money, fiscal years are set against
  calendar years, and the event record is only as complete as ``data/events.csv``.
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
from casekit.tables import vocabulary as data_vocabulary
from casekit import validate as v
from casekit import vocabulary

__all__ = [
    "FACTORS",
    "DIRECTIONS",
    "WEIGHTS",
    "COUNTRIES",
    "Assessment",
    "assess",
    "score_from_factors",
    "load_judgments",
    "judgments_for",
    "dependence_from_share",
    "outside_options_from_shares",
    "lock_in_from_series",
    "credibility_from_events",
    "code_event",
    "rank_with_ties",
    "data_factors",
]

COUNTRIES = data_vocabulary("countries")  # the schemas' country enum (casekit.tables.vocabulary)

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
LABELS = {f: vocabulary.label(f) for f in FACTORS}
CHALLENGES = {f: vocabulary.TERMS[f].challenges for f in FACTORS}
DATA_FACTORS = ("dependence", "outside_options", "lock_in", "credibility")
JUDGMENT_FACTORS = ("alignment", "us_dependence", "regime_cost")

DEPENDENCE_SATURATION = 0.5
WINDOW = 5
MIN_YEARS = 3
CREDIBILITY_WINDOW = 10
NEUTRAL = 0.5
NEUTRAL_RANGE = (0.0, 1.0)
YEARS = (1990, 2030)
US_SUPPLIER = "United States"
#: Coalition Support Funds and similar reimbursements count as security assistance here: Rand & Tankel
#: (Challenge 4) note CSF is "not traditional security assistance" but is "intended to serve as a lever".
INCLUDE_REIMBURSEMENT = True
ENFORCED_EVENTS = ("hold", "suspension", "sanctions", "reprogram")
BACKDOWN_EVENTS = ("waiver", "release")
#: certification rows of data/events.csv in which certification was refused or withheld (enforced);
#: every other certification row (a certification granted) counts as neither.
CERTIFICATION_REFUSED = frozenset({
    "col-1996-03-01-decertified",
    "col-1997-02-28-decertified",
    "pak-2016-08-04-no-certification",
    "pak-2017-07-21-no-certification",
    "col-2025-09-15-decertified",
})

SOURCE_IDS = ("SEED-CNAS-2015", "LADWIG-2016", "SVENSSON-2003", "POWELL-2019")

assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-12


# ---------------------------------------------------------------------------------------------
# Pure pieces (no data access): easy to test, easy to read
# ---------------------------------------------------------------------------------------------
def _check_unit(name: str, value) -> float:
    return v.unit(name, value)


def _check_country(country) -> str:
    return v.choice("country", country, COUNTRIES)


def _check_year(year) -> int:
    return v.year("year", year, *YEARS)


def score_from_factors(factors: Mapping[str, float], weights: Mapping[str, float] | None = None):
    """Return ``(score, contributions)`` for a full set of factor values in 0..1."""
    weights = dict(WEIGHTS if weights is None else weights)
    missing = [f for f in FACTORS if f not in factors]
    if missing:
        raise v.InputError(f"factors must include every factor; missing: {', '.join(missing)}")
    v.known_keys("factors", factors, FACTORS)
    pushes = {}
    for f in FACTORS:
        x = factors[f]
        if not (type(x) is float and 0.0 <= x <= 1.0):  # already-checked floats skip the full check
            x = _check_unit(f, x)
        pushes[f] = x if DIRECTIONS[f] > 0 else 1.0 - x
    terms = {f: weights[f] * pushes[f] for f in FACTORS}
    score = min(1.0, max(0.0, sum(terms.values())))
    total = sum(terms.values())
    contributions = {f: (terms[f] / total if total > 0 else 0.0) for f in FACTORS}
    return score, contributions


def dependence_from_share(share: float) -> float:
    """Map an aid/military-spending share to the 0..1 dependence factor (capped at saturation)."""
    if isinstance(share, bool) or share is None or not isinstance(share, (int, float)) or math.isnan(share) \
            or share < 0:
        raise v.InputError(f"share must be a number of 0 or more, got {share!r}")
    return min(1.0, float(share) / DEPENDENCE_SATURATION)


def outside_options_from_shares(shares: Mapping[str, float]) -> float:
    """Non-U.S. share of arms imports, from supplier -> share (shares should sum to about 1)."""
    shares = {k: float(x) for k, x in dict(shares).items() if x is not None and not pd.isna(x)}
    total = sum(shares.values())
    if total <= 0:
        raise ValueError("no arms deliveries in the window: outside options are unknown, not zero")
    us = shares.get(US_SUPPLIER, 0.0)
    return min(1.0, max(0.0, 1.0 - us / total))


def lock_in_from_series(values) -> float:
    """``1 - coefficient of variation`` of annual aid (NaN dropped), clipped to 0..1."""
    vals = [float(x) for x in values if x is not None and not pd.isna(x)]
    if len(vals) < 2:
        raise ValueError("need at least two years of aid data to measure steadiness")
    mean = sum(vals) / len(vals)
    if mean <= 0:
        return 0.0
    var = sum((x - mean) ** 2 for x in vals) / len(vals)
    return min(1.0, max(0.0, 1.0 - math.sqrt(var) / mean))


def code_event(event_type: str, event_id: str = "") -> str:
    """``"enforced"``, ``"backdown"`` or ``""`` for one row of data/events.csv (the coding rule)."""
    if event_type in ENFORCED_EVENTS:
        return "enforced"
    if event_type == "certification":
        return "enforced" if event_id in CERTIFICATION_REFUSED else ""
    if event_type in BACKDOWN_EVENTS:
        return "backdown"
    return ""


def credibility_from_events(events) -> tuple[float, int, int]:
    """``(credibility, enforced_years, backdown_years)``.

    ``events`` is an iterable of ``(year, event_type, event_id)`` tuples, or of bare event types (then
    each counts as its own year). Each year counts at most once as enforced and once as a back-down.
    """
    enforced, backdown = set(), set()
    for i, ev in enumerate(events):
        if isinstance(ev, str):
            year, etype, eid = ("row", i), ev, ""
        else:
            year, etype, eid = ev
        code = code_event(str(etype), str(eid))
        if code == "enforced":
            enforced.add(year)
        elif code == "backdown":
            backdown.add(year)
    e, b = len(enforced), len(backdown)
    return (e + 1) / (e + b + 2), e, b


# ---------------------------------------------------------------------------------------------
# Judgments stored per case, by period
# ---------------------------------------------------------------------------------------------
def _slug(country: str) -> str:
    return country.strip().lower()


def judgments_path(country: str):
    return paths.CASES / _slug(_check_country(country)) / "judgments.yaml"


def _parse_entry(country: str, factor: str, entry: dict, where: str) -> dict:
    if not isinstance(entry, dict) or "value" not in entry or "period" not in entry:
        raise ValueError(f"{where}: each entry of {factor!r} needs 'period: [first, last]' and a 'value'")
    out = dict(entry)
    period = entry["period"]
    if not (isinstance(period, list) and len(period) == 2):
        raise ValueError(f"{where}: {factor!r} period must be [first_year, last_year], got {period!r}")
    first, last = (v.year(f"{where} {factor} period", y) for y in period)
    if first > last:
        raise ValueError(f"{where}: {factor!r} period {period} runs backwards")
    out["period"] = (first, last)
    out["value"] = _check_unit(f"{country} {factor}", entry["value"])
    for key in ("low", "high"):
        out[key] = _check_unit(f"{country} {factor} {key}", entry.get(key, entry["value"]))
    if not out["low"] <= out["value"] <= out["high"]:
        raise ValueError(f"{where}: {factor!r} {period}: need low <= value <= high")
    for key in ("justification", "source_ids", "evidence_date"):
        if not entry.get(key):
            raise ValueError(f"{where}: {factor!r} {period} needs a {key}")
    out["evidence_date"] = str(entry["evidence_date"])
    out["later_knowledge"] = str(entry.get("later_knowledge") or "").strip()
    out["justification"] = " ".join(str(entry["justification"]).split())
    return out


def load_judgments(country: str) -> dict:
    """Read ``cases/<country>/judgments.yaml``: {factor: [entry, ...]} with one entry per period.

    Each entry has ``period`` (first, last year), ``value``, ``low``, ``high``, ``justification``,
    ``source_ids``, ``evidence_date`` ("YYYY-MM": the latest evidence the value rests on) and, where
    a value rests on knowledge from after the period began, ``later_knowledge`` saying so.
    """
    path = judgments_path(country)
    where = f"cases/{_slug(country)}/judgments.yaml"
    if not path.exists():
        raise FileNotFoundError(f"no judgments file for {country}: expected {where}")
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    out = {}
    for f in JUDGMENT_FACTORS:
        entries = doc.get(f)
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"{where}: factor {f!r} needs a list of periods")
        parsed = sorted((_parse_entry(country, f, e, where) for e in entries), key=lambda e: e["period"])
        for a, b in zip(parsed, parsed[1:]):
            if b["period"][0] <= a["period"][1]:
                raise ValueError(f"{where}: factor {f!r} periods {a['period']} and {b['period']} overlap")
        out[f] = parsed
    return out


def period_label(period) -> str:
    """'2014' for a one-year period, '2013-2015' otherwise."""
    first, last = period
    return str(first) if first == last else f"{first}-{last}"


def judgments_for(country: str, year: int) -> dict:
    """{factor: entry} for ``year``: the period that contains it, or a neutral entry that says so."""
    year = _check_year(year)
    out = {}
    for f, entries in load_judgments(country).items():
        hit = [e for e in entries if e["period"][0] <= year <= e["period"][1]]
        if hit:
            out[f] = dict(hit[0], neutral=False)
        else:
            periods = ", ".join(period_label(e["period"]) for e in entries)
            out[f] = {
                "period": None, "value": NEUTRAL, "low": NEUTRAL_RANGE[0], "high": NEUTRAL_RANGE[1],
                "justification": (f"no case judgment covers {year} (the case's judgments cover {periods}): "
                                  f"neutral {NEUTRAL} with the full range 0-1"),
                "source_ids": [], "evidence_date": "", "later_knowledge": "", "neutral": True,
            }
    return out


# ---------------------------------------------------------------------------------------------
# Data-derived factors (each uses only years before the year assessed)
# ---------------------------------------------------------------------------------------------
def _data():
    from casekit import data

    return data


_SERIES_CACHE: dict = {}


def _data_stamp() -> tuple:
    """The kit's one cache rule: content hashes of data/ (casekit.data.fingerprint)."""
    return tuple(_data().fingerprint())


def _aid_series(country: str) -> pd.Series:
    """U.S. security assistance by fiscal year (with reimbursements), cached until a data file changes."""
    key = (country, _data_stamp())
    if key not in _SERIES_CACHE:
        if len(_SERIES_CACHE) > 64:
            _SERIES_CACHE.clear()
        _SERIES_CACHE[key] = _data().security_assistance_series(country, include_reimbursement=INCLUDE_REIMBURSEMENT)
    return _SERIES_CACHE[key].copy()


def _default_year(country: str) -> int:
    s = _aid_series(country).dropna()
    if s.empty:
        raise ValueError(f"no U.S. security assistance data for {country}")
    return int(max(s.index))


def _earlier_window(available: list[int], year: int, n: int, min_years: int) -> tuple[list[int], bool]:
    """Years of ``available`` in the ``n`` years before ``year``; if fewer than ``min_years``, the
    ``n`` latest available years before ``year``. Returns (years, shifted). Never uses ``year`` or later."""
    before = sorted(y for y in available if y < year)
    window = [y for y in before if y >= year - n]
    if len(window) >= min_years:
        return window, False
    return before[-n:], True


def dependence_series(country: str) -> pd.DataFrame:
    """Aid, military spending and their ratio by year (the raw series behind ``dependence``)."""
    aid = _aid_series(country)
    milex = _data().milex_usd_millions(country)
    both = sorted(set(int(y) for y in aid.dropna().index) & set(int(y) for y in milex.dropna().index))
    frame = pd.DataFrame({"aid": [float(aid.loc[y]) for y in both], "milex": [float(milex.loc[y]) for y in both]},
                         index=pd.Index(both, name="year"))
    frame["share"] = frame["aid"] / frame["milex"]
    return frame


def dependence_for(country: str, year: int) -> tuple[float, str, list]:
    """(factor, note, years used): mean aid / mean military spending over the years before ``year``."""
    frame = dependence_series(country)
    years, shifted = _earlier_window(list(frame.index), year, WINDOW, MIN_YEARS)
    if not years:
        return NEUTRAL, f"no aid-to-military-spending data for {country} before {year}: neutral 0.5", []
    share = frame.loc[years, "aid"].mean() / frame.loc[years, "milex"].mean()
    note = (f"average aid was {share:.0%} of average military spending in {years[0]}-{years[-1]} "
            f"({len(years)} years with both figures)")
    if shifted:
        note += f" (fewer than {MIN_YEARS} such years in the {WINDOW} years before {year}; the latest earlier ones used)"
    return dependence_from_share(share), note, years


def _arms_years(country: str) -> list[int]:
    arms = _data().load("arms_imports")
    rows = arms[(arms["recipient"] == country) & (arms["tiv_millions"].fillna(0) > 0)]
    return sorted({int(y) for y in rows["year"]})


def _factor_dependence(country: str, year: int):
    value, note, _ = dependence_for(country, year)
    return value, note


def _factor_outside_options(country: str, year: int):
    years = [y for y in _arms_years(country) if y < year]
    if not years:
        return NEUTRAL, f"no SIPRI deliveries to {country} recorded before {year}: outside options set to a neutral 0.5"
    end = year - 1
    shifted = not any(end - WINDOW < y <= end for y in years)
    if shifted:
        end = max(years)
    start = end - WINDOW + 1
    value = outside_options_from_shares(_data().supplier_shares(country, start, end))
    note = f"non-U.S. suppliers delivered {value:.0%} of arms imports (TIV) in {start}-{end}"
    if shifted:
        note += f" (no deliveries recorded in the {WINDOW} years before {year}; the latest earlier window used)"
    return value, note


def _factor_lock_in(country: str, year: int):
    s = _aid_series(country).dropna()
    s.index = [int(y) for y in s.index]
    years, shifted = _earlier_window(list(s.index), year, WINDOW, MIN_YEARS)
    if len(years) < 2:
        return NEUTRAL, f"fewer than two years of aid data for {country} before {year}: lock-in set to a neutral 0.5"
    value = lock_in_from_series(s.loc[years].values)
    note = f"aid steadiness 1 - CV = {value:.2f} over {len(years)} fiscal years with data ({years[0]}-{years[-1]})"
    if shifted:
        note += f" (fewer than {MIN_YEARS} years with data in the {WINDOW} years before {year}; the latest earlier ones used)"
    return value, note


def credibility_record(country: str, year: int) -> pd.DataFrame:
    """The coded events in the credibility window (the ten years before ``year``)."""
    ev = _data().events(country=country).copy()
    ev["year"] = ev["date"].astype(str).str[:4].astype(int)
    ev = ev[(ev["year"] >= year - CREDIBILITY_WINDOW) & (ev["year"] < year)]
    ev["code"] = [code_event(t, i) for t, i in zip(ev["event_type"], ev["event_id"])]
    return ev[ev["code"] != ""][["event_id", "date", "year", "event_type", "code", "summary"]]


def _factor_credibility(country: str, year: int):
    rec = credibility_record(country, year)
    value, enforced, backdown = credibility_from_events(zip(rec["year"], rec["event_type"], rec["event_id"]))
    note = (f"record in {year - CREDIBILITY_WINDOW}-{year - 1}: {enforced} year(s) with an enforced measure "
            f"against {backdown} year(s) with a waiver or release")
    return value, note


_DATA_FUNCS = {
    "dependence": _factor_dependence,
    "outside_options": _factor_outside_options,
    "lock_in": _factor_lock_in,
    "credibility": _factor_credibility,
}


def data_factors(country: str, year: int) -> tuple[dict, dict]:
    """The data-derived factors for ``country`` in ``year``: ({factor: value}, {factor: note})."""
    country = _check_country(country)
    year = _check_year(year)
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
    judgments: dict = field(default_factory=dict)

    def with_factors(self, **changes) -> "Assessment":
        """A copy with some factor values replaced (same country, year and notes)."""
        v.known_keys("factor", changes, FACTORS)
        factors = {**self.factors, **{k: _check_unit(k, x) for k, x in changes.items()}}
        score, contributions = score_from_factors(factors, self.weights)
        overridden = tuple(sorted(set(self.overridden) | set(changes)))
        ranges = {f: r for f, r in self.ranges.items() if f not in changes}
        return Assessment(self.country, self.year, factors, score, contributions, dict(self.notes), overridden,
                          dict(self.weights), ranges, dict(self.judgments))

    def band(self) -> tuple:
        """Lowest and highest score over the judgment ranges (exact: the score is monotonic in each factor)."""
        worst, best = {}, {}
        for f, (lo, hi) in self.ranges.items():
            worst[f], best[f] = (lo, hi) if DIRECTIONS[f] > 0 else (hi, lo)
        low = score_from_factors({**self.factors, **worst}, self.weights)[0]
        high = score_from_factors({**self.factors, **best}, self.weights)[0]
        return (min(low, self.score), max(high, self.score))

    def shown(self) -> str:
        """The score as shown to learners: two decimals and its range, e.g. ``0.29 (range 0.21-0.37)``."""
        low, high = self.band()
        return f"{self.score:.2f} (range {low:.2f}-{high:.2f})"

    def sensitivity(self, step: float = 0.1) -> dict:
        """How far each factor can move the score from the current settings.

        Returns {factor: {"up", "down", "to_best", "to_worst", "room"}}.
        """
        step = v.number("step", step, 0.0, 1.0)
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

    def summary(self) -> str:
        """One short line for a readout: score with range, level, and the biggest push and drag."""
        helps = max(FACTORS, key=lambda f: self.weights[f] * self._push(f))
        hurts = max(FACTORS, key=lambda f: self.weights[f] * (1 - self._push(f)))
        return (f"{self.country}, {self.year}: leverage {self.shown()}, {self.level()}. "
                f"Biggest push: {LABELS[helps]}; biggest drag: {LABELS[hurts]}.")

    def explain(self) -> str:
        """A plain-language paragraph: score and range, what drives it, what holds it back, caveats."""
        helps = sorted((f for f in FACTORS if self._push(f) >= 0.5),
                       key=lambda f: self.weights[f] * self._push(f), reverse=True)
        hurts = sorted((f for f in FACTORS if self._push(f) < 0.5),
                       key=lambda f: self.weights[f] * (1 - self._push(f)), reverse=True)
        parts = [f"{self.country}, {self.year}: leverage score {self.shown()} on a 0-1 scale ({self.level()})."]
        if helps:
            parts.append("Working for U.S. leverage: " + ", ".join(self._phrase(f) for f in helps[:3]) + ".")
        if hurts:
            parts.append("Working against it: " + ", ".join(self._phrase(f) for f in hurts[:3]) + ".")
        all_sens = self.sensitivity()
        top = max(FACTORS, key=lambda f: (round(all_sens[f]["room"], 12), -FACTORS.index(f)))
        sens = all_sens[top]
        parts.append(
            f"From these settings, {LABELS[top]} has the most room to move the score: at its most "
            f"favourable value the score would change by {sens['to_best']:+.2f}, at its least favourable "
            f"by {sens['to_worst']:+.2f}."
        )
        for f in DATA_FACTORS:
            lab = LABELS[f][0].upper() + LABELS[f][1:]
            if f in self.overridden:
                parts.append(f"{lab} was set by hand to {self.factors[f]:.2f}.")
            elif f in self.notes:
                parts.append(f"{lab}: {self.notes[f]}.")
        for f in JUDGMENT_FACTORS:
            j = self.judgments.get(f)
            if f in self.overridden or not j:
                continue
            if j.get("neutral"):
                parts.append(f"{LABELS[f][0].upper() + LABELS[f][1:]}: {j['justification']}.")
            elif j.get("later_knowledge"):
                parts.append(f"{LABELS[f][0].upper() + LABELS[f][1:]} rests partly on later knowledge: "
                             f"{j['later_knowledge']}")
        judged = [f for f in JUDGMENT_FACTORS if f in self.overridden]
        if judged:
            parts.append("Set by hand: " + ", ".join(f"{LABELS[f]} = {self.factors[f]:.2f}" for f in judged) + ".")
        parts.append("A teaching heuristic built from judgments, not a forecast; scores whose ranges overlap are "
                     "a tie.")
        return " ".join(parts)

    def table(self) -> pd.DataFrame:
        """Factors, weights, direction and contribution, formatted for learners (no index)."""
        return pd.DataFrame(
            {
                "factor": [LABELS[f] for f in FACTORS],
                "value": [f"{self.factors[f]:.2f}" for f in FACTORS],
                "from": ["set by hand" if f in self.overridden else ("data" if f in DATA_FACTORS else "case judgment")
                         for f in FACTORS],
                "effect": ["raises" if DIRECTIONS[f] > 0 else "lowers" for f in FACTORS],
                "weight": [f"{self.weights[f]:.2f}" for f in FACTORS],
                "share of score": [f"{self.contributions[f]:.0%}" for f in FACTORS],
                "challenge": [vocabulary.challenges(f) for f in FACTORS],
            }
        )


def rank_with_ties(assessments) -> list[list]:
    """Rank assessments (most leverage first) so that overlapping ranges are ties.

    For each assessment, A = how many others have their whole range above its range (clearly more
    leverage) and T = how many others' ranges overlap its own (ties). Its rank is ``1 + A + T / 2``:
    with no overlaps these are the ordinary ranks 1, 2, 3 ...; a group whose ranges all overlap shares
    the average of its places (the usual mid-rank for ties). Each assessment gets ``rank`` and ``ties``
    (the countries it is tied with). Returns groups of equal rank, best first.
    """
    items = list(assessments)
    bands = [a.band() for a in items]
    for i, a in enumerate(items):
        above = sum(1 for j, b in enumerate(bands) if j != i and b[0] > bands[i][1])
        ties = [items[j] for j, b in enumerate(bands)
                if j != i and not (b[0] > bands[i][1] or b[1] < bands[i][0])]
        a.rank = 1 + above + len(ties) / 2
        a.ties = [t.country for t in ties]
    groups: list[list] = []
    for a in sorted(items, key=lambda a: (a.rank, -a.score)):
        if groups and groups[-1][0].rank == a.rank:
            groups[-1].append(a)
        else:
            groups.append([a])
    return groups


def assess(country: str, year: int | None = None, **overrides) -> Assessment:
    """Assess U.S. leverage over ``country`` in ``year`` (default: the latest year with aid data).

    Any factor can be overridden with a keyword argument (a number in 0..1), e.g.
    ``assess("Egypt", 2013, alignment=0.1)``. Bad names or values raise
    :class:`casekit.validate.InputError` (a ``ValueError``) with a one-line message.
    """
    country = _check_country(country)
    v.known_keys("factor", overrides, FACTORS)
    overrides = {k: _check_unit(k, x) for k, x in overrides.items()}
    year = _default_year(country) if year is None else _check_year(year)
    factors, notes = {}, {}
    for f in DATA_FACTORS:
        if f in overrides:
            continue
        factors[f], notes[f] = _DATA_FUNCS[f](country, year)
    judgments = judgments_for(country, year)
    for f in JUDGMENT_FACTORS:
        j = judgments[f]
        factors[f] = j["value"]
        notes[f] = (j["justification"] if j["neutral"] else
                    f"case judgment {j['value']:.2f} for {period_label(j['period'])} ({j['justification']})")
    factors.update(overrides)
    factors = {f: factors[f] for f in FACTORS}
    score, contributions = score_from_factors(factors)
    ranges = {f: (judgments[f]["low"], judgments[f]["high"]) for f in JUDGMENT_FACTORS if f not in overrides}
    return Assessment(country, year, factors, score, contributions, notes, tuple(sorted(overrides)), dict(WEIGHTS),
                      ranges, judgments)
