"""One vocabulary for both teaching models and both labs: each name has one meaning.

Every input, lever and computed quantity of :mod:`casekit.leverage` and :mod:`casekit.conditionality`
is listed here once, with the label the labs show, its meaning, where its value comes from, and the
challenge(s) of Rand & Tankel (CNAS 2015) it stands for (C1..C8, see ``casekit.cases.CHALLENGES``).
A name that appears in both models means the same thing in both and, for the same country and year,
has the same value (the conditionality model takes the shared inputs from the same data and case
judgments as the leverage model).

Terms that used to share a name
-------------------------------
* ``lock_in`` now means only the report's Challenge 6: aid that is steady and expected, which the
  partner treats as an entitlement and Washington finds hard to adjust. The conditionality model's old
  term "aid stops once the problem is solved" (Powell 2019; Bapat 2011) is now ``aid_ends_if_solved``.
* ``aid_value`` became ``stake``: what Washington can withhold or offer *in an episode* (aid and arms
  sales), which is not the same as ``dependence`` (U.S. aid as a share of military spending).
* ``cost`` and ``gain`` became ``regime_cost`` and ``alignment``, the names the leverage model
  already used for the same ideas; ``resolve`` stays an episode judgment, and the record of U.S.
  follow-through is ``credibility`` in both models. The conditionality model's combination of
  credibility, resolve and the levers is ``hold_credibility``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Term", "TERMS", "label", "challenges", "describe", "CHALLENGE_NAMES"]

CHALLENGE_NAMES = {
    "C1": "Prioritize objectives",
    "C2": "Scope the mutual threat",
    "C3": "Balance short- and long-term objectives",
    "C4": "Assess leverage",
    "C5": "Understand the impact and effects of conditionality",
    "C6": "Manage and avoid the lock-in problem",
    "C7": "Ensure better interagency balance",
    "C8": "Measure outcomes",
}


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    meaning: str
    origin: str  # "data", "case judgment", "episode judgment", "lever", "computed"
    challenges: tuple
    models: tuple  # "leverage", "conditionality"


def _t(name, label, meaning, origin, challenges, models):
    return name, Term(name, label, meaning, origin, tuple(challenges), tuple(models))


TERMS = dict(
    [
        # ---- shared inputs --------------------------------------------------------------------
        _t("dependence", "partner's dependence on U.S. aid",
           "U.S. security assistance as a share of the partner's military spending, averaged over the five "
           "years before the year assessed, scaled so that half the defence budget or more counts as 1",
           "data", ["C4"], ["leverage"]),
        _t("outside_options", "outside options (other suppliers)",
           "the share of the partner's arms imports delivered by suppliers other than the United States in "
           "the five years before the year assessed: how much of what Washington provides it could replace",
           "data", ["C4"], ["leverage", "conditionality"]),
        _t("alignment", "alignment with the U.S. ask",
           "how far the partner already wants the change Washington asks for in that period (shared threat "
           "perception)", "case judgment", ["C2", "C4"], ["leverage", "conditionality"]),
        _t("us_dependence", "U.S. dependence on the partner",
           "how much Washington needs the partner (basing, transit, mediation): reverse leverage",
           "case judgment", ["C1", "C4"], ["leverage", "conditionality"]),
        _t("lock_in", "lock-in (steady, expected aid)",
           "how steady and expected the aid is (1 minus the coefficient of variation of annual aid over the "
           "five years before the year assessed); steady aid becomes an entitlement that is hard to condition",
           "data", ["C6"], ["leverage", "conditionality"]),
        _t("credibility", "U.S. follow-through record",
           "the record of U.S. follow-through over the ten years before the year assessed: years with an "
           "enforced measure against years with a back-down (waiver, release), (E + 1) / (E + B + 2)",
           "data", ["C4", "C5"], ["leverage", "conditionality"]),
        _t("regime_cost", "cost of the ask to the ruling group",
           "how far complying with the period's typical U.S. demand threatens the ruling group's hold on "
           "power (Ladwig 2016)", "case judgment", ["C4", "C5"], ["leverage", "conditionality"]),
        # ---- episode judgments ------------------------------------------------------------------
        _t("stake", "what is at stake for the partner",
           "how much a full year of what Washington can withhold or offer in this episode (aid and arms "
           "sales) matters to the partner", "episode judgment", ["C4"], ["conditionality"]),
        _t("resolve", "U.S. resolve in this episode",
           "how determined this administration (and Congress) is to keep the hold until the demand is met",
           "episode judgment", ["C5", "C7"], ["conditionality"]),
        _t("aid_ends_if_solved", "aid ends if the problem is solved",
           "the chance that complying ends the aid stream itself, because the aid exists to deal with the "
           "problem the demand would solve (Powell 2019; Bapat 2011)", "episode judgment", ["C2", "C3"],
           ["conditionality"]),
        # ---- levers -------------------------------------------------------------------------------
        _t("share_withheld", "share of a year's aid withheld", "share of a year's assistance held back",
           "lever", ["C5"], ["conditionality"]),
        _t("withheld_item", "what is withheld", "financing (cash) or named systems", "lever", ["C5"],
           ["conditionality"]),
        _t("duration_months", "expected length of the hold (months)",
           "how long the partner expects the hold to last", "lever", ["C5"], ["conditionality"]),
        _t("public", "public demand",
           "whether the demand is made in public (signalling to publics, Challenge 5)", "lever", ["C5"],
           ["conditionality"]),
        _t("reward", "promised reward (share of a year's aid)",
           "extra assistance promised if the partner complies, as a share of a year's aid", "lever", ["C5"],
           ["conditionality"]),
        _t("reward_credibility", "credibility of the reward",
           "whether the partner believes the reward will come", "lever", ["C5"], ["conditionality"]),
        _t("monitoring", "monitoring (chance defiance is seen)",
           "the chance that non-compliance is detected", "lever", ["C8"], ["conditionality"]),
        _t("waiver", "executive can release at will",
           "the executive can lift the hold on its own: a national-security waiver exists, or the hold is "
           "the executive's own decision (not set in law or by congressional holders)", "lever", ["C4", "C7"],
           ["conditionality"]),
        # ---- computed -----------------------------------------------------------------------------
        _t("hold_credibility", "credibility of this hold",
           "the partner's belief that Washington will keep this hold: credibility and resolve, lowered by "
           "U.S. dependence and lock-in, raised when the executive cannot release at will or the demand is "
           "public", "computed", ["C4", "C5"], ["conditionality"]),
        _t("value_at_stake", "value at stake in this hold",
           "stake x share withheld x item factor x duration factor", "computed", ["C4", "C5"],
           ["conditionality"]),
        _t("ceiling", "ceiling: most the levers can move the partner",
           "nothing Washington can threaten or promise through security assistance is worth more to the "
           "partner than the stake itself", "computed", ["C4", "C5"], ["conditionality"]),
        _t("margin", "compliance margin",
           "what the levers can move (threat + reward, capped at the ceiling) minus the partner's net cost of "
           "complying", "computed", ["C5"], ["conditionality"]),
        _t("score", "leverage score",
           "weighted mean of the seven factors' pushes toward leverage (0..1)", "computed", ["C4"],
           ["leverage"]),
    ]
)


def label(name: str) -> str:
    return TERMS[name].label


def challenges(name: str) -> str:
    """``"C4, C5"`` for a term."""
    return ", ".join(TERMS[name].challenges)


def describe(name: str) -> str:
    """One line: label, meaning, origin and challenges (for lab text and tooltips)."""
    t = TERMS[name]
    names = "; ".join(f"{c} {CHALLENGE_NAMES[c]}" for c in t.challenges)
    return f"{t.label}: {t.meaning} ({t.origin}; {names})"
