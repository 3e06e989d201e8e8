"""casekit.predictions: saved per learner, survives a new process, locked on reveal, collectable."""

import json
import subprocess
import sys

import pytest

from casekit import conditionality as cond
from casekit import predictions as P
from casekit import validate


@pytest.fixture(autouse=True)
def work(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_WORK_DIR", str(tmp_path))
    monkeypatch.setenv("CASEKIT_LEARNER", "ada")
    return tmp_path


def test_a_prediction_is_saved_with_time_and_key_in_the_learners_file(work):
    p = P.record("egypt-2013", "partial", 0.6)
    path = work / "predictions" / "ada.jsonl"
    assert P.file_path() == path and path.exists()
    row = json.loads(path.read_text().splitlines()[-1])
    assert row["key"] == "egypt-2013" and row["outcome"] == "partial" and row["confidence"] == 0.6
    assert row["time"].endswith("+00:00") and row["learner"] == "ada" and row["event"] == "predict"
    assert p.describe() == "egypt-2013: partial with confidence 0.60"  # no time in what is shown


def test_predictions_survive_a_new_process(work):
    P.record("iraq-2014", "comply", 0.7)
    code = "from casekit import predictions as P; print(P.latest('iraq-2014').describe())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ})
    assert out.stdout.strip() == "iraq-2014: comply with confidence 0.70"


def test_learners_have_separate_files(work):
    P.record("egypt-2013", "defy", 0.5, learner="bo")
    assert P.latest("egypt-2013") is None
    assert P.latest("egypt-2013", learner="bo").outcome == "defy"


def test_reveal_refuses_until_a_prediction_is_recorded():
    r = P.reveal("egypt-2013")
    assert not r.ok and "No prediction recorded" in r.text
    assert cond.get_episode("egypt-2013").readings[0].summary not in r.text
    assert not P.is_revealed("egypt-2013")


def test_reveal_scores_each_reading_and_locks():
    P.record("egypt-2013", "partial", 0.6)
    P.record("egypt-2013", "defy", 0.8)  # changed before the reveal: allowed
    r = P.reveal("egypt-2013")
    assert r.ok and r.prediction.outcome == "defy"
    # hand-worked: p(defy)=0.8, others 0.1 -> against defy 0.04+0.01+0.01 = 0.06; against partial 0.64+0.81+0.01
    assert r.brier_by_reading["defy"] == pytest.approx(0.06)
    assert r.brier_by_reading["partial"] == pytest.approx(1.46)
    assert "disputed" in r.text
    with pytest.raises(validate.InputError, match="locked"):
        P.record("egypt-2013", "comply", 0.9)
    assert P.latest("egypt-2013").outcome == "defy" and P.latest("egypt-2013").revealed
    assert P.reveal("egypt-2013").prediction.outcome == "defy"  # revealing again changes nothing


def test_a_decision_key_with_its_own_options_and_a_disputed_answer():
    opts = ("resume-all", "resume-with-conditions", "keep-holds")
    P.record("egypt:decision", "keep-holds", 0.5, options=opts, question="What will Kerry decide?")
    r = P.reveal("egypt:decision", actual=["resume-all", "resume-with-conditions"])
    # 3 options: confidence 0.5 on keep-holds, 0.25 on each other; against resume-all: 0.5^2+0.75^2+0.25^2
    assert r.brier_by_reading["resume-all"] == pytest.approx(0.25 + 0.5625 + 0.0625)
    assert "scored against each" in r.text
    with pytest.raises(validate.InputError, match="needs actual="):
        P.record("pakistan:decision", "a", 0.5, options=("a", "b"))
        P.reveal("pakistan:decision")


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("egypt-2031", "defy", 0.5), {}, "did you mean"),
        (("egypt-2013", "defied", 0.5), {}, "did you mean 'defy'"),
        (("egypt-2013", "defy", 0.2), {}, "from 1/3 to 1"),
        (("egypt-2013", "defy", "0.6"), {}, "without quotes"),
        (("egypt:decision", "a", 0.5), {}, "options are needed"),
        (("Egypt Decision", "a", 0.5), {}, "episode must be one of"),
        (("egypt:decision", "c", 0.6), {"options": ("a", "b")}, "did you mean|one of a, b"),
        (("egypt:decision", "a", 0.4), {"options": ("a", "b")}, "from 0.5 to 1"),
    ],
)
def test_bad_records_are_one_line_errors(args, kwargs, message):
    with pytest.raises(validate.InputError, match=message) as info:
        P.record(*args, **kwargs)
    assert "\n" not in str(info.value)


def test_collect_a_class(work, tmp_path_factory):
    P.record("egypt-2013", "defy", 1.0, learner="ada")
    P.reveal("egypt-2013", learner="ada")
    P.record("egypt-2013", "comply", 1.0, learner="bo")
    P.record("pakistan-2011", "defy", 0.6, learner="bo")
    frame = P.collect(work)
    assert set(frame["learner"]) == {"ada", "bo"}
    eg = frame[frame["key"] == "egypt-2013"].set_index("learner")
    assert eg.loc["ada", "brier[defy]"] == pytest.approx(0.0) and eg.loc["ada", "brier[partial]"] == pytest.approx(2.0)
    assert eg.loc["bo", "brier[defy]"] == pytest.approx(2.0)
    text = P.summary_text(frame)
    assert "egypt-2013: 2 learner(s); predicted" in text and "mean Brier against 'defy': 1.00" in text
    out = subprocess.run([sys.executable, "-m", "casekit.predictions", "collect", str(work)], capture_output=True,
                         text=True, env={**__import__("os").environ})
    assert out.returncode == 0 and "pakistan-2011: 1 learner(s)" in out.stdout
    bad = subprocess.run([sys.executable, "-m", "casekit.predictions", "collect", str(work / "nope")],
                         capture_output=True, text=True, env={**__import__("os").environ})
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "not a folder" in bad.stderr


def test_a_half_written_line_is_skipped(work):
    P.record("iraq-2014", "comply", 0.7)
    with open(P.file_path(), "a") as fh:
        fh.write('{"event": "predict", "key": "iraq-20')
    assert P.latest("iraq-2014").outcome == "comply"


def test_tests_do_not_write_into_the_repository():
    from casekit import paths

    assert not str(P.work_dir()).startswith(str(paths.ROOT))
