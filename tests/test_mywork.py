"""Learners' work is never lost: my-work/ copies are never overwritten."""

import json
import shutil
import subprocess
from pathlib import Path

from casekit.mywork import copy_to_my_work

ROOT = Path(__file__).resolve().parent.parent


def _fake_kit(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    (kit / "notebooks").mkdir(parents=True)
    (kit / "exercises").mkdir()
    for rel in ("notebooks/10_egypt.ipynb", "notebooks/11_pakistan.ipynb", "exercises/ex1.ipynb",
                "notebooks/00_start_here.ipynb"):
        (kit / rel).write_text(json.dumps({"cells": [], "kit_version": 1}))
    return kit


def test_copies_case_and_exercise_notebooks_only(tmp_path):
    kit = _fake_kit(tmp_path)
    report = copy_to_my_work(root=kit)
    names = sorted(Path(p).name for p in report.copied)
    assert names == ["10_egypt.ipynb", "11_pakistan.ipynb", "ex1.ipynb"]
    assert (kit / "my-work/notebooks/10_egypt.ipynb").exists()
    assert (kit / "my-work/exercises/ex1.ipynb").exists()


def test_second_run_after_learner_edits_loses_nothing(tmp_path):
    kit = _fake_kit(tmp_path)
    copy_to_my_work(root=kit)
    mine = kit / "my-work/notebooks/10_egypt.ipynb"
    learner_text = json.dumps({"cells": ["my careful answer"], "kit_version": 1})
    mine.write_text(learner_text)
    # the kit is updated: the shipped notebook changes
    (kit / "notebooks/10_egypt.ipynb").write_text(json.dumps({"cells": [], "kit_version": 2}))
    report = copy_to_my_work(root=kit)
    assert mine.read_text() == learner_text
    assert any(p.endswith("10_egypt.ipynb") for p in report.kept)
    assert report.copied == []
    # asking for the new version puts it beside the learner's file, still not over it
    report = copy_to_my_work(root=kit, side_by_side=True)
    assert mine.read_text() == learner_text
    beside = [p for p in report.side_by_side if "10_egypt.kit-" in p]
    assert beside and json.loads((kit / beside[0]).read_text())["kit_version"] == 2


def test_my_work_is_ignored_by_git_so_updates_cannot_touch_it():
    out = subprocess.run(["git", "check-ignore", "-q", "my-work/notebooks/10_egypt.ipynb"], cwd=ROOT)
    assert out.returncode == 0, "my-work/ must be listed in .gitignore"


def test_git_pull_of_a_kit_update_leaves_my_work_alone(tmp_path):
    """A real clone, a learner's edit in my-work/, an upstream update, a pull: the edit survives."""
    if shutil.which("git") is None:  # pragma: no cover
        return
    upstream = tmp_path / "upstream"
    kit = _fake_kit(tmp_path)
    shutil.copytree(kit, upstream)
    (upstream / ".gitignore").write_text("my-work/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q", "-b", "main"], cwd=upstream, check=True)
    subprocess.run(git + ["add", "."], cwd=upstream, check=True)
    subprocess.run(git + ["commit", "-qm", "v1"], cwd=upstream, check=True)
    clone = tmp_path / "learner"
    subprocess.run(["git", "clone", "-q", str(upstream), str(clone)], check=True)
    copy_to_my_work(root=clone)
    answer = clone / "my-work/notebooks/11_pakistan.ipynb"
    answer.write_text("learner answer")
    (upstream / "notebooks/11_pakistan.ipynb").write_text("kit v2")
    subprocess.run(git + ["commit", "-qam", "v2"], cwd=upstream, check=True)
    subprocess.run(git + ["pull", "-q", "--ff-only"], cwd=clone, check=True)
    assert (clone / "notebooks/11_pakistan.ipynb").read_text() == "kit v2"
    assert answer.read_text() == "learner answer"
