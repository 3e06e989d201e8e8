"""Copy the kit's notebooks into the learner's own ``my-work/`` folder, never overwriting.

Learners never edit shipped notebooks in place: a kit update (``git pull`` or nbgitpuller) would
then either fail or silently merge away their answers. Instead each learner works on copies in
``my-work/``, which git ignores, so an update can never touch it.

``make my-work`` and :func:`copy_to_my_work` (usable from a notebook cell) copy every case and
exercise notebook that is not already there. A file that already exists is left exactly as it
is, even if the kit's version changed; the function reports it as kept, and a newer kit version
can be fetched on request under a different name (``<name>.kit-<version>.ipynb``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, paths


@dataclass
class CopyReport:
    """What :func:`copy_to_my_work` did."""

    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    side_by_side: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"my-work: {len(self.copied)} copied, {len(self.kept)} already there and left untouched"]
        lines += [f"  copied  {p}" for p in self.copied]
        lines += [f"  kept    {p}" for p in self.kept]
        lines += [f"  new kit version beside yours: {p}" for p in self.side_by_side]
        return "\n".join(lines)


def shipped_notebooks(root: Path | None = None) -> list[Path]:
    """The notebooks a learner works on: case notebooks and exercises (not tool/start pages)."""
    root = Path(root) if root else paths.ROOT
    found = sorted((root / "notebooks").glob("1[0-9]_*.ipynb")) + sorted((root / "exercises").glob("*.ipynb"))
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def copy_to_my_work(root: Path | None = None, target: Path | None = None, side_by_side: bool = False) -> CopyReport:
    """Copy shipped case and exercise notebooks into ``my-work/`` without overwriting anything.

    With ``side_by_side=True``, a notebook the learner already has is not touched, and the kit's
    current version is copied next to it as ``<name>.kit-<version>.ipynb`` (only if that name is
    free too), so the learner can compare.
    """
    root = Path(root) if root else paths.ROOT
    target = Path(target) if target else root / "my-work"
    target.mkdir(parents=True, exist_ok=True)
    report = CopyReport()
    for src in shipped_notebooks(root):
        rel = src.relative_to(root)
        dest = target / rel.parent.name / src.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            report.kept.append(str(dest.relative_to(target.parent)))
            if side_by_side:
                beside = dest.with_name(f"{src.stem}.kit-{__version__}.ipynb")
                if not beside.exists():
                    shutil.copy2(src, beside)
                    report.side_by_side.append(str(beside.relative_to(target.parent)))
            continue
        # copy to a temporary name then rename, so an interrupted copy never leaves half a file
        tmp = dest.with_name(dest.name + ".partial")
        shutil.copy2(src, tmp)
        tmp.rename(dest)
        report.copied.append(str(dest.relative_to(target.parent)))
    return report


def main() -> None:  # pragma: no cover - thin CLI wrapper used by `make my-work`
    import sys

    print(copy_to_my_work(side_by_side="--side-by-side" in sys.argv))


if __name__ == "__main__":  # pragma: no cover
    main()
