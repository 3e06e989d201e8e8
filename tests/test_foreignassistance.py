"""The ForeignAssistance.gov importer, on a hand-made fixture in the official layout.

Expected sums are worked out by hand from the fixture's rows (see the comments), not by the code.
"""

from pathlib import Path

import pytest

from casekit import data

FIXTURE = Path(__file__).parent / "fixtures" / "foreignassistance_complete_sample.csv"


@pytest.fixture(scope="module")
def imported():
    return data.import_foreignassistance(FIXTURE)


def _row(df, country, year, group, basis):
    sel = df[(df.country == country) & (df.fiscal_year == year) & (df.program_group == group) & (df.basis == basis)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_transactions_are_summed_per_account_and_year(imported):
    rows, _ = imported
    # A-1 + A-2: 650,000,000 + 650,000,000 = $1,300 million of FMF obligations
    assert _row(rows, "Egypt", 2015, "FMF", "obligation").amount_usd_millions == pytest.approx(1300.0)
    # $1.75 million IMET
    assert _row(rows, "Egypt", 2015, "IMET", "obligation").amount_usd_millions == pytest.approx(1.75)


def test_official_split_and_transaction_type_are_kept(imported):
    rows, _ = imported
    esf = _row(rows, "Egypt", 2015, "ESF", "disbursement")  # A-4, thousands separators in the amount
    assert esf.category == "economic" and esf.amount_usd_millions == pytest.approx(150.0)
    csf = _row(rows, "Pakistan", 2012, "CSF", "obligation")
    assert csf.category == "security"


def test_other_countries_are_counted_not_imported(imported):
    rows, report = imported
    assert "France" not in set(rows.country)
    assert report.rows_other_countries == 1


def test_bad_rows_are_reported_with_line_and_column(imported):
    _, report = imported
    text = "\n".join(report.rejected)
    assert "line 9, column 'fiscal_year'" in text  # "twenty"
    assert "line 10, column 'current_amount'" in text  # "n/a"
    assert report.rows_read == 10
    assert report.rows_imported + report.rows_other_countries + len(report.rejected) == report.rows_read


def test_unmapped_accounts_are_listed_and_kept(imported):
    rows, report = imported
    assert report.unmapped_accounts == {"Some New Security Account": 1}
    assert _row(rows, "Pakistan", 2019, "other_security", "obligation").amount_usd_millions == pytest.approx(5.0)


def test_imported_rows_are_never_chart_rows(imported):
    rows, _ = imported
    assert not rows.chart.any()


def test_missing_required_column_is_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("country_name,fiscal_year,current_amount\nEgypt,2015,1\n")
    with pytest.raises(data.DataError) as exc:
        data.import_foreignassistance(bad)
    msg = str(exc.value)
    assert "bad.csv" in msg and "assistance_category_name" in msg and "funding_account_name" in msg


def test_old_title_case_headers_are_accepted(tmp_path):
    old = tmp_path / "old.csv"
    old.write_text(
        "Country Name,Fiscal Year,Assistance Category Name,Funding Account Name,Transaction Type Name,Current Dollar Amount\n"
        "Lebanon,2019,Military,Foreign Military Financing Program,Obligations,105000000\n"
    )
    rows, report = data.import_foreignassistance(old)
    assert _row(rows, "Lebanon", 2019, "FMF", "obligation").amount_usd_millions == pytest.approx(105.0)
    assert report.rejected == []
