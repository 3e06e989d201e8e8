"""Cross-case exercises: predict first, then reveal and score.

Two exercises live in ``exercises/``:

1. **Ten episodes** — for each historical conditionality episode the learner reads a briefing of the
   decision point (:func:`briefing`: the demand and the levers as Washington set them, nothing about
   what followed), records a prediction and a confidence (:func:`record_predictions` saves them in the
   learner's ``my-work/`` folder through :mod:`casekit.predictions`), and only then runs
   :func:`score_predictions`, which reveals the record for the predicted episodes only, scores each
   against every reading of a disputed record, and locks those predictions.
2. **Who has leverage?** — the learner ranks the six partners by how much U.S. assistance could move
   them, then :func:`rank_reveal` compares that ranking with the leverage model's scores. The model's
   scores are shown with their ranges, and partners whose ranges overlap are a tie (they share the
   average of their ranks); Spearman's rank correlation is computed by hand below.

Neither exercise has an answer key beyond the historical record: the model is a teaching heuristic,
and a learner who disagrees with it and can say why has done the exercise well.
"""

from __future__ import annotations

from . import conditionality, leverage, predictions
from . import validate as v
from .data import COUNTRIES


def briefing(episode_id: str) -> str:
    """The decision point of an episode, with nothing that gives away the outcome."""
    ep = conditionality.get_episode(episode_id)
    lv = ep.levers
    item = "specific weapon systems" if lv["withheld_item"] == "specific_systems" else "cash (FMF funds)"
    lines = [
        f"{ep.title} ({ep.country}, decision point {ep.decision_date})",
        f"  U.S. demand: {ep.demand}",
        f"  Levers as set: about {lv['share_withheld']:.0%} of a year's aid withheld, in {item}, "
        f"expected to last about {lv['duration_months']} months; "
        f"{'public' if lv['public'] else 'private'}; "
        f"reward offered {lv['reward']:.1f} of a year's aid (credibility {lv['reward_credibility']:.1f}); "
        f"monitoring {lv['monitoring']:.1f}; the executive "
        f"{'can' if lv['waiver'] else 'cannot'} lift the hold on its own.",
    ]
    return "\n".join(lines)


def _check_predictions(mapping) -> dict:
    """``{episode_id: (outcome, confidence) or None}`` checked, with one-line errors."""
    mapping = v.known_keys("MY_PREDICTIONS", mapping, conditionality.episodes())
    out = {}
    for eid, pred in mapping.items():
        if pred is None:
            continue
        if not (isinstance(pred, (tuple, list)) and len(pred) == 2):
            raise v.InputError(
                f"each prediction must be a pair (outcome, confidence) such as ('partial', 0.6); got {pred!r} for {eid}"
            )
        outcome = v.choice(f"the outcome for {eid}", pred[0], conditionality.OUTCOMES)
        confidence = v.number(f"the confidence for {eid}", pred[1], 1 / 3, 1.0)
        out[eid] = (outcome, confidence)
    return out


def record_predictions(mapping: dict) -> str:
    """Save every filled-in prediction of ``MY_PREDICTIONS`` in the learner's file; reveal nothing."""
    checked = _check_predictions(mapping)
    lines = []
    for eid, (outcome, confidence) in checked.items():
        saved = predictions.latest(eid)
        if saved is not None and saved.revealed:
            same = saved.outcome == outcome and abs(saved.confidence - confidence) < 1e-9
            lines.append(f"{eid}: already revealed; your locked prediction stays {saved.outcome} "
                         f"({saved.confidence:.2f})" + ("." if same else "; the new entry is not saved."))
            continue
        if saved is None or (saved.outcome, saved.confidence) != (outcome, confidence):
            predictions.record(eid, outcome, confidence)
        lines.append(f"{eid}: saved {outcome} with confidence {confidence:.2f}.")
    lines.append(f"{len(checked)} of {len(conditionality.episodes())} predictions recorded.")
    return "\n".join(lines)


def score_predictions(mapping: dict) -> str:
    """Save, reveal and score ``{episode_id: (outcome, confidence)}``; reveal only those episodes.

    Episodes without a prediction are listed as withheld, so running the cell early spoils nothing.
    A disputed record is scored against each of its readings. Revealed predictions are locked.
    """
    checked = _check_predictions(mapping)
    record_predictions(checked)
    lines, briers, hits = [], [], 0
    for eid in conditionality.episodes():
        if eid not in checked:
            lines.append(f"{eid}: no prediction recorded; outcome withheld.")
            continue
        result = predictions.reveal(eid)
        score = result.score
        briers.append(score.brier)
        hits += int(score.correct)
        lines.append(f"{eid}: {score.feedback}")
    if briers:
        mean = sum(briers) / len(briers)
        lines.append(
            f"\nYou predicted {len(briers)} episode(s): {hits} matched a reading of the record; mean Brier score "
            f"{mean:.2f} (averaged over the readings of disputed episodes; 0 is perfect; always answering with "
            "confidence 1/3 on each outcome scores about 0.67)."
        )
    return "\n".join(lines)


def _ranks(values: list[float]) -> list[float]:
    """Average ranks (1 = largest), ties sharing the mean of their positions."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rank correlation of two equal-length lists (Pearson correlation of their ranks)."""
    if len(a) != len(b) or len(a) < 2:
        raise ValueError("need two lists of the same length, at least 2 long")
    ra, rb = _ranks(list(a)), _ranks(list(b))
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb)


def rank_reveal(my_ranking: list, year: int = 2015) -> str:
    """Compare a learner's ranking (most leverage first) with the model's scores for ``year``.

    The model's ranking treats partners whose score ranges overlap as tied (they share the average of
    their ranks), so a learner is never marked down for ordering two partners the model cannot tell apart.
    """
    year = v.year("year", year)
    if not my_ranking:
        return "No ranking recorded yet: list the six countries, most U.S. leverage first, then run this cell."
    if not isinstance(my_ranking, (list, tuple)):
        raise v.InputError(f"the ranking must be a list of the six countries, got {my_ranking!r}")
    for c in my_ranking:
        v.choice("each country in the ranking", c, COUNTRIES)
    if sorted(my_ranking) != sorted(COUNTRIES):
        missing = sorted(set(COUNTRIES) - set(my_ranking))
        twice = sorted({c for c in my_ranking if list(my_ranking).count(c) > 1})
        raise v.InputError(
            "the ranking must name each of the six countries exactly once"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; named twice: {', '.join(twice)}" if twice else "")
        )
    my_ranking = list(my_ranking)
    assessments = {c: leverage.assess(c, year) for c in COUNTRIES}
    groups = leverage.rank_with_ties(assessments.values())
    model_rank = {a.country: a.rank for g in groups for a in g}
    mine = [len(COUNTRIES) - my_ranking.index(c) for c in COUNTRIES]  # higher = more leverage
    model = [len(COUNTRIES) + 1 - model_rank[c] for c in COUNTRIES]
    if len(groups) == 1 and len(groups[0]) == len(COUNTRIES):
        return (f"Model scores for {year}: all six ranges overlap, so the model cannot rank the partners at all; "
                "compare your reasons instead.")
    rho = spearman(mine, model)
    lines = [f"Model scores for {year}, most leverage first. Scores whose ranges overlap are ties and share "
             "their places (a partner ranks below only those whose whole range is above its own):"]
    for g in groups:
        for a in g:
            tied = f"; tied with {', '.join(a.ties)}" if a.ties else ""
            lines.append(f"  rank {a.rank:g}: {a.country} {a.shown()} (you ranked it {my_ranking.index(a.country) + 1}"
                         f"{tied})")
    lines.append(f"Spearman rank correlation between your ranking and the model's (ties shared): {rho:+.2f} "
                 "(+1 = same order; with ties in the model's order the best possible is below +1).")
    gaps = {c: abs((my_ranking.index(c) + 1) - model_rank[c]) for c in COUNTRIES}
    worst = max(COUNTRIES, key=lambda c: (gaps[c], c))
    if gaps[worst] >= 1:
        lines.append(
            f"Biggest disagreement: {worst} (you: {my_ranking.index(worst) + 1}, model: {model_rank[worst]:g}). "
            f"Open leverage.assess('{worst}', {year}).explain() and decide which input you would argue with."
        )
    return "\n".join(lines)
