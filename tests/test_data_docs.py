"""data/README.md documents every table and column the schemas define, and its coverage is current."""

import json
from pathlib import Path

from casekit import data

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")


def test_every_table_and_column_is_documented():
    missing = []
    for table in data.TABLES:
        if f"### {table}.csv" not in README:
            missing.append(f"{table}.csv heading")
        schema = json.loads((ROOT / "data" / "schemas" / f"{table}.json").read_text())
        for field in schema["fields"]:
            if f"`{field['name']}`" not in README:
                missing.append(f"{table}.{field['name']}")
    assert missing == []


def test_datapackage_lists_every_table_with_its_schema():
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text())
    assert {r["name"] for r in pkg["resources"]} == set(data.TABLES)
    for res in pkg["resources"]:
        assert (ROOT / "data" / res["schema"]).exists()
        assert (ROOT / "data" / res["path"]).exists()


def test_readme_states_licences_and_gaps():
    for phrase in ("## Licences", "## What was left out", "## Remaining gaps", "## Coverage"):
        assert phrase in README


def test_readme_coverage_matrix_is_regenerated_from_the_data():
    from casekit.coverage import coverage_markdown

    assert coverage_markdown().strip() in README, (
        "data/README.md's coverage section is stale: paste casekit.coverage.coverage_markdown() into it"
    )
