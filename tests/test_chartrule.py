"""The chart rule (data/README.md, "The chart rule") as code, checked against hand-built tables and the
data file.

The small tables below are built by hand from the rule's wording, and the expected amounts are worked
out by hand from them (not taken from the module's output).
"""

import shutil

import pandas as pd
import pytest

from casekit import chartrule, data, paths

COLUMNS = ["country", "fiscal_year", "program", "program_group", "row_type", "scope",
           "amount_usd_millions", "basis", "source_id", "category", "year_basis", "value_status"]


def _rows(*rows):
    out = []
    for r in rows:
        r = list(r)
        r += [None] * (len(COLUMNS) - len(r))
        d = dict(zip(COLUMNS, r))
        d["category"] = d["category"] or ("all_accounts" if d["program_group"] == "all_accounts" else "security")
        d["year_basis"] = d["year_basis"] or "fiscal"
        d["value_status"] = d["value_status"] or ("reported" if d["amount_usd_millions"] is not None else "dash")
        out.append(d)
    return pd.DataFrame(out)


SOURCES = pd.DataFrame(
    [
        {"source_id": "CRS-A", "tier": "primary", "date": "2015-03-01"},
        {"source_id": "CRS-B", "tier": "primary-archive", "date": "2019-01-01"},
        {"source_id": "NEWS", "tier": "secondary", "date": "2020-01-01"},
        {"source_id": "FAE-COUNTRY", "tier": "primary", "date": "2025-01-01"},
        {"source_id": "OTHER-TOTAL", "tier": "primary", "date": "2024-01-01"},
    ]
)


def _chosen(df):
    flags = chartrule.chart_flags(df, SOURCES)
    return list(df.loc[flags, "program"])


def _cell(df, group="FMF", year=None):
    c = chartrule.charted_from(df, SOURCES)
    c = c[c.program_group == group]
    if year is not None:
        c = c[c.fiscal_year == year]
    assert len(c) == 1
    return c.iloc[0]


# --- choosing a reading ---------------------------------------------------------------------------

def test_enacted_money_beats_a_request_even_from_an_older_document():
    df = _rows(
        ("Iraq", 2012, "request", "FMF", "program", "full_year", 850.0, "request", "CRS-B"),
        ("Iraq", 2012, "enacted", "FMF", "program", "full_year", 850.0, "appropriation", "CRS-A"),
    )
    assert _chosen(df) == ["enacted"]


def test_primary_beats_secondary_at_the_same_basis_and_archive_copies_count_as_primary():
    df = _rows(
        ("Bahrain", 2010, "news", "FMF", "program", "full_year", 19.0, "unspecified", "NEWS"),
        ("Bahrain", 2010, "crs", "FMF", "program", "full_year", 18.9, "unspecified", "CRS-B"),
    )
    assert _chosen(df) == ["crs"]


def test_a_sourced_none_beats_a_request_and_an_empty_row_charts_when_alone():
    df = _rows(
        ("Iraq", 2002, "dash", "FMF", "program", "full_year", None, "appropriation", "CRS-A"),
        ("Iraq", 2002, "number", "FMF", "program", "full_year", 1.0, "request", "NEWS"),
        ("Iraq", 2001, "only dash", "FMF", "program", "full_year", None, "appropriation", "CRS-A"),
    )
    assert sorted(_chosen(df)) == ["dash", "only dash"]
    assert _cell(df, year=2002).status == "none"


def test_a_request_alone_is_shown_as_a_request_and_never_counts_in_a_total():
    df = _rows(("Iraq", 2011, "ISFF request", "ISFF", "program", "full_year", 2000.0, "request", "NEWS"))
    cell = _cell(df, "ISFF")
    assert cell.status == "request" and cell.amount == 2000.0
    assert chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Iraq").empty


def test_an_authorization_is_a_ceiling_not_money_provided():
    # An authorization act sets a ceiling on what may be appropriated; the appropriation provides the
    # money (often a different amount). Worked by hand: the appropriation wins over a larger
    # authorization; an authorization alone is shown marked and never counts; beside a request (an
    # earlier stage of the same process) the authorization is the figure shown.
    df = _rows(
        ("Iraq", 2016, "authorized", "ITEF/CTEF", "program", "full_year", 715.0, "authorization", "CRS-B"),
        ("Iraq", 2016, "appropriated", "ITEF/CTEF", "program", "full_year", 630.0, "appropriation", "NEWS"),
        ("Iraq", 2019, "authorized", "ITEF/CTEF", "program", "full_year", 850.0, "authorization", "NEWS"),
        ("Iraq", 2019, "requested", "ITEF/CTEF", "program", "full_year", 850.0, "request", "NEWS"),
        ("Iraq", 2019, "extra", "ITEF/CTEF", "program", "supplemental", 20.0, "authorization", "NEWS"),
    )
    assert _chosen(df) == ["appropriated", "authorized"]
    assert _cell(df, "ITEF/CTEF", 2016).amount == 630.0
    cell = _cell(df, "ITEF/CTEF", 2019)
    assert cell.status == "authorization" and cell.amount == 850.0  # shown, marked, supplemental not added
    totals = chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Iraq")
    assert totals.fiscal_year.tolist() == [2016] and totals.amount.tolist() == [630.0]


def test_an_authorization_listed_as_the_only_statement_of_enacted_money_counts(monkeypatch):
    df = _rows(("Iraq", 2019, "authorized", "ITEF/CTEF", "program", "full_year", 850.0, "authorization", "NEWS"))
    monkeypatch.setattr(chartrule, "AUTHORIZATION_AS_ENACTED", {("Iraq", "ITEF/CTEF", 2019): "test"})
    assert _cell(df, "ITEF/CTEF", 2019).status == "full"
    assert chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Iraq").amount.tolist() == [850.0]


def test_the_distinct_programs_of_one_document_are_summed():
    # Colombia FY2000 in the CIP table: INC 666.25 and the Andean Counterdrug Initiative 0 are both INCLE.
    df = _rows(
        ("Colombia", 2000, "ACI", "INCLE", "program", "full_year", 0.0, "unspecified", "NEWS"),
        ("Colombia", 2000, "INC", "INCLE", "program", "full_year", 666.25, "unspecified", "NEWS"),
    )
    assert sorted(_chosen(df)) == ["ACI", "INC"]
    assert _cell(df, "INCLE").amount == 666.25


def test_a_zero_never_hides_a_positive_amount_even_from_a_better_source():
    df = _rows(
        ("Colombia", 1997, "fellowship", "other_security", "program", "full_year", 0.0, "appropriation", "CRS-A"),
        ("Colombia", 1997, "drawdowns", "other_security", "program", "full_year", 14.2, "unspecified", "NEWS"),
    )
    assert _chosen(df) == ["drawdowns"]
    assert _cell(df, "other_security").amount == 14.2


def test_supplementals_are_added_and_components_never_are():
    df = _rows(
        ("Pakistan", 2009, "regular", "FMF", "program", "full_year", 100.0, "appropriation", "CRS-A"),
        ("Pakistan", 2009, "supp", "FMF", "program", "supplemental", 200.0, "appropriation", "NEWS"),
        ("Pakistan", 2009, "part", "FMF", "program", "component", 50.0, "appropriation", "CRS-A"),
    )
    assert sorted(_chosen(df)) == ["regular", "supp"]
    assert _cell(df).amount == 300.0


def test_a_supplemental_alone_charts_as_partial():
    df = _rows(("Bahrain", 2002, "supp", "FMF", "program", "supplemental", 28.5, "unspecified", "NEWS"))
    cell = _cell(df)
    assert cell.amount == 28.5 and cell.status == "partial"


def test_fiscal_year_figures_beat_figures_of_unstated_year_basis():
    df = _rows(
        ("Lebanon", 2017, "in 2017", "FMF", "program", "full_year", 121.0, "appropriation", "CRS-B", None, "unknown"),
        ("Lebanon", 2017, "FY2017", "FMF", "program", "full_year", 120.0, "unspecified", "NEWS", None, "fiscal"),
    )
    assert _chosen(df) == ["FY2017"]


def test_single_year_figure_beats_range_statement_and_newer_document_breaks_ties():
    df = _rows(
        ("Egypt", 2010, "range", "FMF", "program", "range_statement", 1300.0, "unspecified", "CRS-B"),
        ("Egypt", 2010, "older", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-A"),
        ("Egypt", 2011, "older", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-A"),
        ("Egypt", 2011, "newer", "FMF", "program", "full_year", 1300.0, "unspecified", "CRS-B"),
    )
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
    assert _cell(df, year=2013).status == "request"


def test_all_account_totals_always_chart_the_foreignassistance_obligation_and_mark_partial_years():
    df = _rows(
        ("Lebanon", 2015, "other", "all_accounts", "total", "full_year", 300.0, "appropriation", "OTHER-TOTAL"),
        ("Lebanon", 2015, "fae", "all_accounts", "total", "full_year", 280.0, "obligation", "FAE-COUNTRY"),
        ("Lebanon", 2024, "fae", "all_accounts", "total", "partial_year", 62.6, "obligation", "FAE-COUNTRY"),
    )
    assert _chosen(df) == ["fae", "fae"]
    assert _cell(df, "all_accounts", 2024).status == "partial_year"


# --- security totals --------------------------------------------------------------------------------

def test_a_printed_subtotal_smaller_than_its_programs_does_not_hide_them():
    # a regular-bill "military aid" subtotal of 58.2 against programs worth 159.7 + 49.3
    df = _rows(
        ("Lebanon", 2009, "military aid", "security_total", "subtotal", "full_year", 58.2, "appropriation", "NEWS"),
        ("Lebanon", 2009, "FMF", "FMF", "program", "full_year", 159.7, "appropriation", "CRS-A"),
        ("Lebanon", 2009, "1206", "Section 1206/2282/333", "program", "full_year", 49.3, "obligation", "CRS-A"),
    )
    t = chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Lebanon")
    assert t.amount.tolist() == [pytest.approx(209.0)] and t.method.tolist() == ["sum of programs"]


def test_a_printed_subtotal_covering_more_than_the_programs_is_used_and_rounding_is_tolerated():
    df = _rows(
        ("Lebanon", 2017, "total", "security_total", "subtotal", "full_year", 235.0, "unspecified", "CRS-A"),
        ("Lebanon", 2017, "FMF", "FMF", "program", "full_year", 121.0, "unspecified", "CRS-A"),
        ("Lebanon", 2017, "DoD", "DoD other", "program", "full_year", 112.0, "unspecified", "CRS-A"),
        ("Lebanon", 2017, "IMET", "IMET", "program", "full_year", 2.75, "unspecified", "CRS-A"),
        ("Lebanon", 2018, "total", "security_total", "subtotal", "full_year", 300.0, "unspecified", "CRS-A"),
        ("Lebanon", 2018, "FMF", "FMF", "program", "full_year", 105.0, "unspecified", "CRS-A"),
    )
    t = chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Lebanon")
    assert t.amount.tolist() == [235.0, 300.0]


def test_fiscal_and_unstated_year_figures_are_never_added_together():
    df = _rows(
        ("Lebanon", 2009, "FMF", "FMF", "program", "full_year", 100.0, "appropriation", "CRS-A"),
        ("Lebanon", 2009, "IMET in 2009", "IMET", "program", "full_year", 2.0, "unspecified", "NEWS", None, "unknown"),
        ("Lebanon", 2008, "FMF in 2008", "FMF", "program", "full_year", 7.0, "unspecified", "NEWS", None, "unknown"),
    )
    t = chartrule.security_totals_from(chartrule.charted_from(df, SOURCES), "Lebanon").set_index("fiscal_year")
    assert t.loc[2009, "amount"] == 100.0 and t.loc[2009, "year_basis"] == "fiscal"
    assert len(t.loc[2009, "left_out"]) == 1
    assert t.loc[2008, "amount"] == 7.0 and t.loc[2008, "year_basis"] == "unknown"


def test_reimbursements_are_added_only_on_request():
    df = _rows(
        ("Pakistan", 2010, "FMF", "FMF", "program", "full_year", 294.0, "appropriation", "CRS-A"),
        ("Pakistan", 2010, "CSF", "CSF", "program", "full_year", 1499.0, "reimbursement", "CRS-A", "reimbursement"),
    )
    cells = chartrule.charted_from(df, SOURCES)
    assert chartrule.security_totals_from(cells, "Pakistan").amount.tolist() == [294.0]
    assert chartrule.security_totals_from(cells, "Pakistan", True).amount.tolist() == [1793.0]


# --- the data file ------------------------------------------------------------------------------

def test_the_data_file_follows_the_rule():
    assert chartrule.disagreements().empty


def test_no_charted_amount_includes_a_row_and_its_own_component_or_supplemental_twice():
    a = data.load("assistance")
    cells = chartrule.charted()
    used = a.loc[[i for rows in cells["rows"] for i in rows]]
    # component rows are inside another row: never part of a charted amount
    assert not (used["scope"] == "component").any()
    # every part_of names a row of the same country and year that exists
    parts = a[a["part_of"].notna() & (a["part_of"] != "")]
    for r in parts.itertuples():
        same = a[(a.country == r.country) & (a.fiscal_year == r.fiscal_year) & (a.program == r.part_of)]
        assert len(same) >= 1, (r.country, r.fiscal_year, r.program, r.part_of)
        assert r.scope == "component", (r.country, r.fiscal_year, r.program)
    # within one charted amount: no program twice, no supplemental equal to another used row
    for cell in cells.itertuples():
        rows = a.loc[list(cell.rows)]
        assert not rows["program"].duplicated().any(), (cell.country, cell.fiscal_year, cell.program_group)
        supp = rows[rows.scope == "supplemental"]
        full = rows[rows.scope != "supplemental"]
        for amount in supp["amount_usd_millions"]:
            assert not (full["amount_usd_millions"] == amount).any(), (cell.country, cell.fiscal_year)
    # and a security total uses either its printed subtotal or the programs, never both
    for country in data.COUNTRIES:
        t = chartrule.security_totals(country)
        for r in t.itertuples():
            assert not ("security_total" in r.groups and len(set(r.groups) - {"security_total", "CSF"}) > 0)


def test_authorization_rows_never_enter_a_total():
    # Independent facts: the FY2019 NDAA (P.L. 115-232) is an authorization act; the FY2019 Iraq CTEF
    # figure of 850 comes from its conference text, and the row's own note says "an authorization,
    # not an appropriation". It is shown as an authorization and Iraq has no FY2019 security total.
    cell = chartrule.value("Iraq", "ITEF/CTEF", 2019)
    assert cell["status"] == "authorization" and cell["amount"] == 850.0
    assert cell["status"] not in chartrule.IN_TOTALS
    assert 2019 not in set(chartrule.security_totals("Iraq").fiscal_year)
    # and across the file: no amount that counts uses an authorization row or a row whose note speaks
    # of an authorization, unless the cell is listed as the only statement of an enacted appropriation
    a = data.load("assistance")
    cells = chartrule.charted()
    counted = cells[cells["status"].isin(chartrule.IN_TOTALS)]
    for cell in counted.itertuples():
        rows = a.loc[list(cell.rows)]
        listed = (cell.country, cell.program_group, cell.fiscal_year) in chartrule.AUTHORIZATION_AS_ENACTED
        notes = rows["note"].fillna("").str.lower()
        assert listed or not (rows["basis"].eq("authorization") | notes.str.contains("authorization")).any(), (
            cell.country, cell.fiscal_year, cell.program_group)


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
