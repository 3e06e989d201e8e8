"""The chart-row rule (data/README.md, "The chart-row rule") as code, checked against the data file.

The small tables below are built by hand from the rule's wording, not from the module's output.
"""

import shutil

import pandas as pd

from casekit import chartrule, paths

COLUMNS = ["country", "fiscal_year", "program", "program_group", "row_type", "scope",
           "amount_usd_millions", "basis", "source_id"]


def _rows(*rows):
    return pd.DataFrame([dict(zip(COLUMNS, r)) for r in rows])


SOURCES = pd.DataFrame(
    [
        {"source_id": "CRS-A", "tier": "primary", "date": "2015-03-01"},
        {"source_id": "CRS-B", "tier": "primary", "date": "2019-01-01"},
        {"source_id": "NEWS", "tier": "secondary", "date": "2020-01-01"},
        {"source_id": "FAE-COUNTRY", "tier": "primary", "date": "2025-01-01"},
        {"source_id": "OTHER-TOTAL", "tier": "primary", "date": "2024-01-01"},
    ]
)


def _chosen(df):
    flags = chartrule.chart_flags(df, SOURCES)
    return list(df.loc[flags, "program"])


def test_the_data_file_follows_the_rule():
    assert chartrule.disagreements().empty


def test_enacted_money_beats_a_request_even_from_an_older_document():
    df = _rows(
        ("Iraq", 2012, "request", "FMF", "program", "full_year", 850.0, "request", "CRS-B"),
        ("Iraq", 2012, "enacted", "FMF", "program", "full_year", 850.0, "appropriation", "CRS-A"),
    )
    assert _chosen(df) == ["enacted"]


def test_primary_beats_secondary_at_the_same_basis():
    df = _rows(
        ("Bahrain", 2010, "news", "FMF", "program", "full_year", 19.0, "unspecified", "NEWS"),
        ("Bahrain", 2010, "crs", "FMF", "program", "full_year", 18.9, "unspecified", "CRS-A"),
    )
    assert _chosen(df) == ["crs"]


def test_an_amount_beats_an_empty_dash_and_an_empty_row_charts_when_alone():
    df = _rows(
        ("Iraq", 2002, "dash", "FMF", "program", "full_year", None, "appropriation", "CRS-A"),
        ("Iraq", 2002, "number", "FMF", "program", "full_year", 1.0, "request", "NEWS"),
        ("Iraq", 2001, "only dash", "FMF", "program", "full_year", None, "appropriation", "CRS-A"),
    )
    assert sorted(_chosen(df)) == ["number", "only dash"]


def test_supplementals_and_components_never_chart():
    df = _rows(
        ("Pakistan", 2009, "supp", "FMF", "program", "supplemental", 200.0, "appropriation", "CRS-A"),
        ("Pakistan", 2009, "part", "FMF", "program", "component", 50.0, "appropriation", "CRS-A"),
    )
    assert _chosen(df) == []


def test_single_year_figure_beats_range_statement_and_newer_document_breaks_ties():
    df = _rows(
        ("Egypt", 2010, "range", "FMF", "program", "range_statement", 1300.0, "unspecified", "CRS-B"),
        ("Egypt", 2010, "older", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-A"),
        ("Egypt", 2011, "older", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-A"),
        ("Egypt", 2011, "newer", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-B"),
    )
    assert sorted(_chosen(df)) == ["newer", "older"]
    assert chartrule.chart_flags(df, SOURCES).tolist() == [False, True, False, True]


def test_range_statement_does_not_chart_in_the_years_its_caveats_exclude():
    # CRS RL33003: $1.3 billion a year since FY1987, but FY2013 FMF was cut by sequestration.
    df = _rows(
        ("Egypt", 2013, "range", "FMF", "program", "range_statement", 1300.0, "unspecified", "CRS-B"),
        ("Egypt", 2013, "request", "FMF", "program", "full_year", 1300.0, "request", "CRS-A"),
        ("Egypt", 2012, "range", "FMF", "program", "range_statement", 1300.0, "unspecified", "CRS-B"),
        ("Egypt", 2012, "request", "FMF", "program", "full_year", 1300.0, "request", "CRS-A"),
    )
    assert chartrule.chart_flags(df, SOURCES).tolist() == [False, True, True, False]


def test_all_account_totals_always_chart_the_foreignassistance_obligation():
    df = _rows(
        ("Lebanon", 2015, "other", "all_accounts", "total", "full_year", 300.0, "appropriation", "OTHER-TOTAL"),
        ("Lebanon", 2015, "fae", "all_accounts", "total", "full_year", 280.0, "obligation", "FAE-COUNTRY"),
    )
    assert _chosen(df) == ["fae"]


def test_write_rewrites_only_the_chart_column(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(paths.DATA, data_dir)
    path = data_dir / "assistance.csv"
    original = path.read_text(encoding="utf-8").splitlines()
    # flip two chart cells by hand, then let the rule put them back
    lines = list(original)
    assert all(",true," in lines[i] for i in (1, 2))  # two all-account chart rows
    broken = [line.replace(",true,", ",false,", 1) if i in (1, 2) else line for i, line in enumerate(lines)]
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    assert not chartrule.disagreements(data_dir).empty
    assert chartrule.write(data_dir) == 2
    assert path.read_text(encoding="utf-8").splitlines() == original
