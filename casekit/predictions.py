"""Learners' predictions, saved in their own ``my-work/`` folder; one command to collect a class's.

Why
---
A prediction made before the outcome is shown is the heart of a decision-forcing case. It must
survive a kernel restart, be shown again when a lab is rebuilt, be locked once the outcome has been
revealed, and be collectable by an instructor.

Where predictions live
----------------------
One file per learner: ``<work>/predictions/<learner>.jsonl`` (JSON Lines: one record per line,
appended, never rewritten, so a crash cannot corrupt earlier lines and the history is kept).

* ``<work>`` is ``$CASEKIT_WORK_DIR`` if set (the test suite and ``casekit.execute`` point it at a
  temporary folder so running the shipped notebooks never writes into the repository), otherwise the
  kit's ``my-work/`` folder, which git ignores.
* ``<learner>`` is ``$CASEKIT_LEARNER`` if set, otherwise the login name (on a JupyterHub every
  learner has their own). Only letters, digits, ``.``, ``_`` and ``-`` are kept.

Each line is ``{"v": 1, "event": "predict" | "reveal", "time": ISO-8601 UTC, "learner", "key",
"kind": "episode" | "choice", "outcome", "confidence", "options", "question", "note", "via":
"widget" | "code"}``; a ``reveal`` line carries the key, the time and, for a choice, the ``actual``
answer(s). Times are stored, never displayed, so notebook outputs stay deterministic.

Keys
----
* an episode id of ``casekit.conditionality`` (``"egypt-2013"``): outcomes ``comply``, ``partial``,
  ``defy``; the record (with every reading of a disputed outcome) comes from ``cases/episodes.yaml``.
* any other key ``"<slug>:<name>"`` (``"egypt:decision"``) with the ``options`` given when recording;
  the notebook supplies the answer when it reveals (``actual=``), e.g. from the case's epilogue.

Rules
-----
* A prediction can be changed until its key is revealed; from then on :func:`record` refuses with
  a one-line error (the locked prediction is the one that is scored).
* :func:`reveal` refuses (returns a message and reveals nothing) while no prediction is recorded.
* ``confidence`` is the probability put on the predicted option, from ``1/n`` (a pure guess among
  ``n`` options) to 1; the rest is spread evenly over the other options. The Brier score is the sum
  of squared differences between those probabilities and what happened (0 best, 2 worst).

Instructor
----------
``python -m casekit.predictions collect DIR`` reads every ``*.jsonl`` under ``DIR`` (for example the
learners' ``my-work/predictions`` folders copied into one place) and prints, per key, how many
learners predicted each outcome, their mean confidence and their mean Brier score against each
reading of the record. :func:`collect` returns the same as a table.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from casekit import paths
from casekit import validate as v

__all__ = [
    "Prediction",
    "Reveal",
    "work_dir",
    "learner_name",
    "file_path",
    "record",
    "latest",
    "is_revealed",
    "require",
    "reveal",
    "history",
    "collect",
    "summary_text",
]

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9_-]*$")
FORMAT_VERSION = 1


# ---------------------------------------------------------------------------------------------
# where
# ---------------------------------------------------------------------------------------------
def work_dir() -> Path:
    """The learner's work folder: ``$CASEKIT_WORK_DIR`` or the kit's ``my-work/``."""
    env = os.environ.get("CASEKIT_WORK_DIR")
    return Path(env) if env else paths.MY_WORK


def learner_name(learner: str | None = None) -> str:
    """The learner id used for the file name (``$CASEKIT_LEARNER`` or the login name)."""
    if learner is None:
        learner = os.environ.get("CASEKIT_LEARNER") or _login()
    if not isinstance(learner, str):
        raise v.InputError(f"learner must be a name such as 'a.student', got {learner!r}")
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", learner.strip())
    if not clean.strip("._"):
        raise v.InputError(f"learner must contain a letter or digit, got {learner!r}")
    return clean


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name on some containers
        return "learner"


def file_path(learner: str | None = None) -> Path:
    """``<work>/predictions/<learner>.jsonl``."""
    return work_dir() / "predictions" / f"{learner_name(learner)}.jsonl"


# ---------------------------------------------------------------------------------------------
# keys and options
# ---------------------------------------------------------------------------------------------
def _episode_ids() -> list[str]:
    from casekit import conditionality

    return conditionality.episodes()


def _outcomes() -> tuple:
    from casekit import conditionality

    return conditionality.OUTCOMES


def _kind(key: str) -> str:
    if not isinstance(key, str):
        raise v.InputError(f"key must be an episode id or '<case>:<name>', got {key!r}")
    if ":" in key:
        if not KEY_PATTERN.match(key):
            raise v.InputError(
                f"key must look like 'egypt:decision' (lower-case letters, digits, '-'), got {key!r}"
            )
        return "choice"
    v.choice("episode", key, _episode_ids())
    return "episode"


def _options(key: str, kind: str, options) -> tuple:
    if kind == "episode":
        if options is not None and tuple(options) != tuple(_outcomes()):
            raise v.InputError(f"an episode's options are always {', '.join(_outcomes())}; leave options out")
        return tuple(_outcomes())
    if options is None:
        earlier = latest(key)
        if earlier is not None:
            return earlier.options
        raise v.InputError(f"options are needed for {key!r}: the list of choices a learner picks from")
    opts = tuple(options)
    if len(opts) < 2 or len(set(opts)) != len(opts) or not all(isinstance(o, str) and o for o in opts):
        raise v.InputError(f"options for {key!r} must be two or more different strings, got {options!r}")
    return opts


def confidence_range(n_options: int) -> tuple[float, float]:
    """Allowed confidence: from ``1/n`` (a pure guess) to 1 (certain)."""
    return 1.0 / n_options, 1.0


def check_confidence(confidence, n_options: int = 3) -> float:
    lo, hi = confidence_range(n_options)
    return v.number("confidence", confidence, lo, hi)


def brier(predicted: str, confidence: float, actual: str, options) -> float:
    """Brier score of a single-option prediction: confidence on ``predicted``, the rest spread evenly."""
    options = tuple(options)
    rest = (1.0 - confidence) / (len(options) - 1)
    return sum(((confidence if o == predicted else rest) - (1.0 if o == actual else 0.0)) ** 2 for o in options)


# ---------------------------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prediction:
    key: str
    outcome: str
    confidence: float
    options: tuple
    learner: str
    time: str = field(repr=False, compare=False)
    via: str = "code"
    question: str = ""
    note: str = ""
    revealed: bool = False

    @property
    def kind(self) -> str:
        return "choice" if ":" in self.key else "episode"

    def describe(self) -> str:
        """One line, no time (safe for deterministic notebook output)."""
        lock = " (locked: the outcome has been revealed)" if self.revealed else ""
        return f"{self.key}: {self.outcome} with confidence {self.confidence:.2f}{lock}"


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                # a half-written last line (power cut) is skipped, never fatal
                continue
    return rows


def _append(path: Path, row: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _state(rows: list[dict], key: str) -> tuple[dict | None, dict | None]:
    """(locked-or-latest prediction row, first reveal row) for ``key``."""
    pred, rev = None, None
    for row in rows:
        if row.get("key") != key:
            continue
        if row.get("event") == "predict" and rev is None:
            pred = row
        elif row.get("event") == "reveal" and rev is None and pred is not None:
            rev = row
    return pred, rev


def _to_prediction(row: dict, revealed: bool) -> Prediction:
    return Prediction(
        key=row["key"], outcome=row["outcome"], confidence=float(row["confidence"]),
        options=tuple(row["options"]), learner=row.get("learner", ""), time=row.get("time", ""),
        via=row.get("via", "code"), question=row.get("question", ""), note=row.get("note", ""),
        revealed=revealed,
    )


def latest(key: str, learner: str | None = None) -> Prediction | None:
    """The learner's current prediction for ``key`` (the locked one once revealed), or None."""
    pred, rev = _state(_read(file_path(learner)), key)
    return None if pred is None else _to_prediction(pred, rev is not None)


def is_revealed(key: str, learner: str | None = None) -> bool:
    return _state(_read(file_path(learner)), key)[1] is not None


def require(key: str, learner: str | None = None) -> bool:
    """True if the learner has recorded a prediction for ``key``; otherwise print one line and return False.

    For notebook cells that show a model verdict or an outcome: ``if predictions.require("egypt-2013"): ...``.
    """
    _kind(key)
    if latest(key, learner) is not None:
        return True
    print(f"No prediction recorded for {key} yet: record one first (predictions.record or the lab's button); "
          "this cell shows nothing until you do.")
    return False


def history(learner: str | None = None) -> list[dict]:
    """Every line of the learner's file, oldest first (times included: for the learner, not for output)."""
    return _read(file_path(learner))


def record(key: str, outcome: str, confidence, *, options=None, question: str = "", note: str = "",
           via: str = "code", learner: str | None = None) -> Prediction:
    """Save a prediction for ``key`` in the learner's file and return it.

    ``outcome`` must be one of the options (for an episode: comply, partial, defy); ``confidence``
    from 1/n to 1. Recording again before the reveal replaces the prediction (the file keeps both);
    after the reveal it raises :class:`casekit.validate.InputError`.
    """
    kind = _kind(key)
    opts = _options(key, kind, options)
    outcome = v.choice("outcome", outcome, opts)
    conf = check_confidence(confidence, len(opts))
    v.choice("via", via, ("code", "widget"))
    name = learner_name(learner)
    path = file_path(name)
    pred, rev = _state(_read(path), key)
    if rev is not None:
        raise v.InputError(
            f"the prediction for {key} is locked because its outcome has been revealed "
            f"(it stays {pred['outcome']} with confidence {float(pred['confidence']):.2f})"
        )
    row = {
        "v": FORMAT_VERSION, "event": "predict", "time": _now(), "learner": name, "key": key, "kind": kind,
        "outcome": outcome, "confidence": conf, "options": list(opts), "question": str(question or ""),
        "note": str(note or ""), "via": via,
    }
    _append(path, row)
    return _to_prediction(row, False)


# ---------------------------------------------------------------------------------------------
# reveal
# ---------------------------------------------------------------------------------------------
@dataclass
class Reveal:
    """What :func:`reveal` returns: ``ok`` is False when nothing was revealed (no prediction yet)."""

    key: str
    ok: bool
    text: str
    prediction: Prediction | None = None
    brier_by_reading: dict = field(default_factory=dict)
    score: object = None

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, p, cycle):  # IPython shows the plain text
        p.text(self.text)


def _actual_readings(key: str, actual) -> dict:
    """``actual`` as {outcome: description}: a string, a list of strings or a dict."""
    if actual is None:
        raise v.InputError(f"reveal({key!r}) needs actual=: the option that happened (or a list when disputed)")
    if isinstance(actual, str):
        return {actual: ""}
    if isinstance(actual, dict):
        return {k: str(t) for k, t in actual.items()}
    if isinstance(actual, (list, tuple)) and actual and all(isinstance(a, str) for a in actual):
        return {a: "" for a in actual}
    raise v.InputError(f"actual must be an option, a list of options or a dict, got {actual!r}")


def reveal(key: str, actual=None, *, via: str = "code", learner: str | None = None) -> Reveal:
    """Reveal and score the learner's prediction for ``key``; lock it.

    Without a recorded prediction nothing is revealed: the returned object says so (``ok`` False).
    For an episode the record comes from ``cases/episodes.yaml`` and a disputed outcome is scored
    against each reading. For a ``"<case>:<name>"`` key give ``actual=`` (one option, a list of
    options when the record is disputed, or ``{option: "who reads it so"}``).
    """
    kind = _kind(key)
    name = learner_name(learner)
    path = file_path(name)
    pred_row, rev_row = _state(_read(path), key)
    if pred_row is None:
        return Reveal(key, False, f"No prediction recorded for {key} yet: record one first. Nothing is revealed "
                                  "until you do.")
    pred = _to_prediction(pred_row, True)
    if kind == "episode":
        from casekit import conditionality

        score = conditionality.score_prediction(key, pred.outcome, pred.confidence)
        by_reading = dict(score.brier_by_reading)
        text = score.feedback
        actual_row = None
    else:
        readings = _actual_readings(key, actual)
        for a in readings:
            v.choice("actual", a, pred.options)
        by_reading = {a: brier(pred.outcome, pred.confidence, a, pred.options) for a in readings}
        score = None
        parts = [f"You predicted '{pred.outcome}' with confidence {pred.confidence:.2f}."]
        if len(readings) == 1:
            a = next(iter(readings))
            parts.append(f"What happened: '{a}'{(' (' + readings[a] + ')') if readings[a] else ''}. "
                         f"Brier score {by_reading[a]:.2f} (0 is perfect, 2 is worst).")
        else:
            parts.append("The record is read in more than one way, so your prediction is scored against each:")
            for a, text_a in readings.items():
                parts.append(f"'{a}'{(' (' + text_a + ')') if text_a else ''}: Brier {by_reading[a]:.2f}.")
        text = " ".join(parts)
        actual_row = readings
    if rev_row is None:
        row = {"v": FORMAT_VERSION, "event": "reveal", "time": _now(), "learner": name, "key": key, "kind": kind,
               "via": via}
        if actual_row is not None:
            row["actual"] = actual_row
        _append(path, row)
    return Reveal(key, True, text, pred, by_reading, score)


# ---------------------------------------------------------------------------------------------
# instructor: collect a class's files
# ---------------------------------------------------------------------------------------------
def collect(directory) -> "pandas.DataFrame":  # noqa: F821
    """One row per (key, learner): the locked (or latest) prediction and its Brier score per reading.

    Reads every ``*.jsonl`` file under ``directory``. Episode keys are scored against every reading
    in ``cases/episodes.yaml``; other keys against the ``actual`` stored when they were revealed (not
    scored if the learner never revealed them).
    """
    import pandas as pd

    directory = Path(directory)
    if not directory.is_dir():
        raise v.InputError(f"collect needs a folder of learners' .jsonl files; {str(directory)!r} is not a folder")
    from casekit import conditionality

    rows = []
    for path in sorted(directory.rglob("*.jsonl")):
        lines = _read(path)
        keys = list(dict.fromkeys(r.get("key") for r in lines if r.get("event") == "predict"))
        for key in keys:
            pred, rev = _state(lines, key)
            learner = pred.get("learner") or path.stem
            entry = {"key": key, "learner": learner, "outcome": pred["outcome"],
                     "confidence": float(pred["confidence"]), "revealed": rev is not None, "file": path.name}
            if ":" not in key and key in conditionality.episodes():
                for reading in conditionality.get_episode(key).readings:
                    entry[f"brier[{reading.outcome}]"] = brier(pred["outcome"], float(pred["confidence"]),
                                                               reading.outcome, conditionality.OUTCOMES)
            elif rev is not None and rev.get("actual"):
                for a in rev["actual"]:
                    entry[f"brier[{a}]"] = brier(pred["outcome"], float(pred["confidence"]), a, pred["options"])
            rows.append(entry)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=["key", "learner", "outcome", "confidence", "revealed", "file"])
    # one learner, one row per key: if a learner's files were copied twice, keep one
    return frame.drop_duplicates(subset=["key", "learner"], keep="last").reset_index(drop=True)


def summary_text(frame) -> str:
    """Per key: learners, the distribution of predicted outcomes, mean confidence, mean Brier per reading."""
    if frame.empty:
        return "No predictions found."
    lines = []
    for key, grp in frame.groupby("key", sort=True):
        counts = grp["outcome"].value_counts()
        dist = ", ".join(f"{o} {n}" for o, n in counts.items())
        lines.append(f"{key}: {len(grp)} learner(s); predicted {dist}; mean confidence {grp['confidence'].mean():.2f}")
        for col in [c for c in grp.columns if c.startswith("brier[")]:
            scored = grp[col].dropna()
            if len(scored):
                lines.append(f"    mean Brier against '{col[6:-1]}': {scored.mean():.2f} "
                             f"(n={len(scored)}, best {scored.min():.2f}, worst {scored.max():.2f})")
    return "\n".join(lines)


def main(argv=None) -> int:
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    usage = "usage: python -m casekit.predictions collect DIR [--csv OUT.csv]"
    if len(argv) < 2 or argv[0] != "collect":
        print(usage, file=sys.stderr)
        return 2
    try:
        frame = collect(argv[1])
    except v.InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary_text(frame))
    if "--csv" in argv:
        i = argv.index("--csv")
        if i + 1 >= len(argv):
            print(usage, file=sys.stderr)
            return 2
        frame.to_csv(argv[i + 1], index=False)
        print(f"wrote {argv[i + 1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
