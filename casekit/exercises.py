"""Cross-case exercises: predict first, then reveal and score.

Two exercises live in ``exercises/``:

1. **Ten episodes** — for each historical conditionality episode the learner reads a briefing of the
   decision point (:func:`briefing`: the demand and the levers as Washington set them, nothing about
   what followed), records a prediction and a confidence, and only then runs :func:`score_predictions`,
   which reveals the record for the predicted episodes only.
2. **Who has leverage?** — the learner ranks the six partners by how much U.S. assistance could move
   them, then :func:`rank_reveal` compares that ranking with the leverage model's scores
   (Spearman's rank correlation, computed by hand below) and names the biggest disagreement.

Neither exercise has an answer key beyond the historical record: the model is a teaching heuristic,
and a learner who disagrees with it and can say why has done the exercise well.
"""

from __future__ import annotations

from . import conditionality, leverage
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
        f"reward offered {lv['reward']:.1f} (credibility {lv['reward_credibility']:.1f}); "
        f"monitoring {lv['monitoring']:.1f}; waiver {'available' if lv['waiver'] else 'not available'}.",
    ]
    return "\n".join(lines)


def score_predictions(predictions: dict) -> str:
    """Score ``{episode_id: (outcome, confidence)}`` against the record; reveal only those episodes.

    Episodes without a prediction are listed as withheld, so running the cell early spoils nothing.
    """
    lines, briers, hits = [], [], 0
    for eid in conditionality.episodes():
        if eid not in predictions or predictions[eid] is None:
            lines.append(f"{eid}: no prediction recorded; outcome withheld.")
            continue
        outcome, confidence = predictions[eid]
        result = conditionality.score_prediction(eid, outcome, confidence)
        briers.append(result.brier)
        hits += int(result.correct)
        lines.append(f"{eid}: {result.feedback}")
    if briers:
        mean = sum(briers) / len(briers)
        lines.append(
            f"\nYou predicted {len(briers)} episode(s): {hits} right; mean Brier score {mean:.3f} "
            "(0 is perfect; always answering with confidence 1/3 on each outcome scores about 0.667)."
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
    """Compare a learner's ranking (most leverage first) with the model's scores for ``year``."""
    if not my_ranking:
        return "No ranking recorded yet: list the six countries, most U.S. leverage first, then run this cell."
    if sorted(my_ranking) != sorted(COUNTRIES):
        missing = sorted(set(COUNTRIES) - set(my_ranking))
        extra = sorted(set(my_ranking) - set(COUNTRIES))
        raise ValueError(
            "the ranking must name each of the six countries exactly once"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; not a case country: {', '.join(extra)}" if extra else "")
        )
    scores = {c: leverage.assess(c, year).score for c in COUNTRIES}
    model_order = sorted(COUNTRIES, key=lambda c: -scores[c])
    mine = [len(COUNTRIES) - my_ranking.index(c) for c in COUNTRIES]  # higher = more leverage
    rho = spearman(mine, [scores[c] for c in COUNTRIES])
    lines = [f"Model scores for {year} (most leverage first):"]
    lines += [f"  {i + 1}. {c:<9} {scores[c]:.2f}   (you ranked it {my_ranking.index(c) + 1})"
              for i, c in enumerate(model_order)]
    gaps = {c: abs(my_ranking.index(c) - model_order.index(c)) for c in COUNTRIES}
    worst = max(COUNTRIES, key=lambda c: (gaps[c], c))
    lines.append(f"Spearman rank correlation between your ranking and the model: {rho:+.2f} (+1 = same order).")
    if gaps[worst]:
        lines.append(
            f"Biggest disagreement: {worst} (you: {my_ranking.index(worst) + 1}, model: {model_order.index(worst) + 1}). "
            f"Open leverage.assess('{worst}', {year}).explain() and decide which input you would argue with."
        )
    return "\n".join(lines)
