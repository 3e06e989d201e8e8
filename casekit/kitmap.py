"""A map of the kit: every case, tool and exercise, and whether it is built yet.

The start notebook prints this map. An item whose file does not exist yet is listed as "coming",
never faked, so the map stays honest as the kit grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import paths


@dataclass(frozen=True)
class Item:
    kind: str  # "case", "tool" or "exercise"
    title: str
    path: str  # relative to the kit's root
    blurb: str

    @property
    def built(self) -> bool:
        return (paths.ROOT / self.path).exists()


ITEMS = (
    Item("tool", "Start here", "notebooks/00_start_here.ipynb", "what the kit is, the report's framework, paths through the kit"),
    Item("tool", "Data explorer", "notebooks/01_data_explorer.ipynb", "U.S. aid by country, program and year, with the sources behind each number"),
    Item("tool", "Leverage lab", "notebooks/02_leverage_lab.ipynb", "how much can aid move this partner on this demand? a transparent teaching model"),
    Item("tool", "Conditionality lab", "notebooks/03_conditionality_lab.ipynb", "withhold, condition, reward: predict the outcome, then compare with history"),
    Item("case", "Egypt", "notebooks/10_egypt.ipynb", "a treaty-born entitlement; the 2013-2015 holds; new suppliers"),
    Item("case", "Pakistan", "notebooks/11_pakistan.ipynb", "Coalition Support Funds, supply routes and the Haqqani certification"),
    Item("case", "Iraq", "notebooks/12_iraq.ipynb", "rebuilding an army, its 2014 collapse, and aid tied to political inclusion"),
    Item("case", "Bahrain", "notebooks/13_bahrain.ipynb", "a fleet headquarters, the 2011 crackdown and conditions that did not last"),
    Item("case", "Lebanon", "notebooks/14_lebanon.ipynb", "building a national army beside Hezbollah; holds in 2010 and 2019"),
    Item("case", "Colombia", "notebooks/15_colombia.ipynb", "Plan Colombia, human-rights certification and the limits of a model"),
    Item("exercise", "Ten episodes", "exercises/01_ten_episodes.ipynb", "predict ten conditionality episodes, then score yourself against the record"),
    Item("exercise", "Who has leverage?", "exercises/02_who_has_leverage.ipynb", "rank the six partners, then argue with the leverage model"),
)


def kit_map() -> str:
    """The map as plain text: one line per item, marked built or coming."""
    lines = []
    for kind, heading in (("tool", "Tools"), ("case", "Cases"), ("exercise", "Exercises")):
        items = [i for i in ITEMS if i.kind == kind]
        lines.append(f"{heading}:")
        if not items:
            lines.append("  (coming)")
        for item in items:
            status = "ready " if item.built else "coming"
            lines.append(f"  [{status}] {item.title:<20} {item.path:<36} {item.blurb}")
    return "\n".join(lines)
