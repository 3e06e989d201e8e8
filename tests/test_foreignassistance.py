"""The ForeignAssistance.gov importer (make update-data), on hand-made files in the official layout.

Expected sums are worked out by hand from the fixture's rows (see the comments), not by the code;
expected lines and columns come from the way each test builds its file.
"""

import csv
import shutil
from pathlib import Path

import pytest

from casekit import data, foreignassistance, tables

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "foreignassistance_complete_sample.csv"
HEADER = (
    "activity_id,country_name,assistance_category_name,funding_account_name,transaction_type_name,"
    "fiscal_year,current_amount\n"
)


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def imported():
    return data.import_foreignassistance(FIXTURE)


@pytest.fixture
def data_dir(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("local"))
    return copy


def _row(df, country, year, group, basis):
    sel = df[(df.country == country) & (df.fiscal_year == year) & (df.program_group == group) & (df.basis == basis)]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def _file(tmp_path, *rows, name="fa.csv", header=HEADER, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((header + "".join(r + "\n" for r in rows)).encode(encoding))
    return path


# --------------------------------------------------------------------------------------------
# reading and summing


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
    assert _row(rows, "Iraq", 2007, "ISFF", "obligation").category == "security"  # A-10, "Military"


def test_coalition_support_funds_are_reimbursements_as_in_the_kit(imported):
    rows, _ = imported
    # A-5 says "Military"; data/assistance.csv files CSF under category reimbursement
    assert _row(rows, "Pakistan", 2012, "CSF", "obligation").category == "reimbursement"


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
    assert report.rows_imported + report.rows_other_countries + report.rows_rejected == report.rows_read


def test_unmapped_accounts_are_listed_and_kept(imported):
    rows, report = imported
    assert report.unmapped_accounts == {"Some New Security Account": 1}
    assert _row(rows, "Pakistan", 2019, "other_security", "obligation").amount_usd_millions == pytest.approx(5.0)


def test_rows_have_every_column_of_the_assistance_schema(imported):
    rows, _ = imported
    schema_fields = [f["name"] for f in tables.schema("assistance")["fields"]]
    assert list(rows.columns) == schema_fields
    assert set(rows.scope) == {"full_year"} and set(rows.year_basis) == {"fiscal"}
    assert set(rows.chart.astype(bool)) <= {True, False}  # real booleans, not the text "False"


def test_chart_flags_follow_the_kit_rule(tmp_path):
    # one account-year with an obligation and a disbursement: the rule ranks the obligation first
    path = _file(
        tmp_path,
        "1,Egypt,Military,Foreign Military Financing Program,Obligations,2016,1000000",
        "2,Egypt,Military,Foreign Military Financing Program,Disbursements,2016,900000",
    )
    rows, _ = data.import_foreignassistance(path)
    assert bool(_row(rows, "Egypt", 2016, "FMF", "obligation").chart) is True
    assert bool(_row(rows, "Egypt", 2016, "FMF", "disbursement").chart) is False


@pytest.mark.parametrize(
    "amount",
    ["NaN", "nan", "inf", "-Infinity", "1e400", "1,2,3", "12,34", "1.000.000", "$5", "", "0x10", "١٢٣"],
)
def test_bad_amounts_are_rejected_with_the_line(tmp_path, amount):
    path = _file(
        tmp_path,
        "1,Egypt,Military,Foreign Military Financing Program,Obligations,2015,1000000",
        f'2,Egypt,Military,Foreign Military Financing Program,Obligations,2015,"{amount}"',
    )
    rows, report = data.import_foreignassistance(path)
    assert report.rows_rejected == 1
    assert report.rejected[0].startswith("line 3, column 'current_amount'")
    assert _row(rows, "Egypt", 2015, "FMF", "obligation").amount_usd_millions == pytest.approx(1.0)  # the good row only


@pytest.mark.parametrize("year", ["0", "99999", "1945", "2031", "２０１５", "2015.0", "-2015"])
def test_impossible_years_are_rejected_with_the_line(tmp_path, year):
    path = _file(tmp_path, f"1,Lebanon,Military,Foreign Military Financing Program,Obligations,{year},1000000")
    rows, report = data.import_foreignassistance(path)
    assert rows.empty and report.rows_rejected == 1
    assert report.rejected[0].startswith("line 2, column 'fiscal_year'")


def test_sums_are_exact_decimals(tmp_path):
    path = _file(
        tmp_path,
        "1,Bahrain,Military,Foreign Military Financing Program,Obligations,2015,100000.10",
        "2,Bahrain,Military,Foreign Military Financing Program,Obligations,2015,200000.20",
    )
    target, n, _ = foreignassistance.write_local(path, _copy_data(tmp_path))
    with target.open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["amount_usd_millions"] == "0.3000003"  # 300,000.30 dollars, no float noise


def test_negative_net_amounts_are_left_out_and_listed(tmp_path):
    path = _file(
        tmp_path,
        "1,Colombia,Economic,Economic Support Fund,Obligations,2016,1000000",
        "2,Colombia,Economic,Economic Support Fund,Obligations,2016,-3000000",
    )
    rows, report = data.import_foreignassistance(path)
    assert rows.empty
    assert report.negative_totals and "Colombia FY2016" in report.negative_totals[0]


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


def test_excel_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "excel.csv"
    text = HEADER + "1,Iraq,Military,Iraq Security Forces Fund,Obligations,2008,2000000\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    rows, report = data.import_foreignassistance(path)
    assert _row(rows, "Iraq", 2008, "ISFF", "obligation").amount_usd_millions == pytest.approx(2.0)


# --------------------------------------------------------------------------------------------
# files the importer refuses as a whole


def test_latin1_file_names_the_line(tmp_path):
    path = _file(
        tmp_path,
        "1,Egypt,Military,Foreign Military Financing Program,Obligations,2015,1000000",
        "2,Egypt,Economic,Economic Support Fund (Égypte),Obligations,2015,1000000",
        encoding="latin-1",
    )
    with pytest.raises(data.DataError) as exc:
        data.import_foreignassistance(path)
    msg = str(exc.value)
    assert "fa.csv" in msg and "line 3" in msg and "UTF-8" in msg


def test_nul_byte_names_the_line(tmp_path):
    path = _file(tmp_path, "1,Egypt,Military,Foreign Military Financing Program,Obligations,2015,10\x0000")
    with pytest.raises(data.DataError, match=r"fa\.csv, line 2: .*NUL"):
        data.import_foreignassistance(path)


def test_utf16_file_is_refused(tmp_path):
    path = _file(tmp_path, "1,Egypt,Military,Foreign Military Financing Program,Obligations,2015,1", encoding="utf-16")
    with pytest.raises(data.DataError, match="UTF-16"):
        data.import_foreignassistance(path)


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "download.csv").mkdir()
    with pytest.raises(data.DataError, match="folder"):
        data.import_foreignassistance(tmp_path / "download.csv")


def test_a_missing_or_empty_file_is_refused(tmp_path):
    with pytest.raises(data.DataError, match="not found"):
        data.import_foreignassistance(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(data.DataError, match="empty"):
        data.import_foreignassistance(tmp_path / "empty.csv")


def test_huge_cell_names_the_line(tmp_path):
    path = _file(
        tmp_path,
        "1,Egypt,Military,Foreign Military Financing Program,Obligations,2015,1000000",
        f'2,Egypt,Military,"{"x" * 200_000}",Obligations,2015,1000000',
    )
    with pytest.raises(data.DataError) as exc:
        data.import_foreignassistance(path)
    assert "fa.csv, line 3" in str(exc.value) and "longer than" in str(exc.value)


def test_cut_inside_a_quoted_cell_names_the_line(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(HEADER + '1,Egypt,Military,"Foreign Military Fin', encoding="utf-8")
    with pytest.raises(data.DataError, match=r"cut\.csv, line 2: .*truncated"):
        data.import_foreignassistance(path)


# --------------------------------------------------------------------------------------------
# writing to data/local/ and reading it back


def _copy_data(tmp_path) -> Path:
    copy = tmp_path / "kitdata"
    if not copy.exists():
        shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("local"))
    return copy


def _kit_chart_cells() -> set:
    with (ROOT / "data" / "assistance.csv").open(encoding="utf-8", newline="") as fh:
        return {
            (r["country"], int(r["fiscal_year"]), r["program_group"], r["row_type"])
            for r in csv.DictReader(fh)
            if r["chart"] == "true"
        }


def test_update_data_writes_validated_rows_that_the_queries_label_as_local(data_dir, capsys):
    assert foreignassistance.main([str(FIXTURE), "--data-dir", str(data_dir)]) == 0
    assert "wrote 6 rows" in capsys.readouterr().out
    local = data.load_local("assistance", data_dir)
    assert len(local) == 6 and set(local.local_file) == {"local/assistance_foreignassistance_complete_sample.csv"}
    # every local row cites the local source row, which describes the file
    src = data.sources_for(local.source_id.unique(), data_dir)
    assert "foreignassistance_complete_sample.csv" in src.table_or_page.iloc[0]
    # a local chart row shows where the kit has no chart row, and never replaces one
    kit = _kit_chart_cells()
    for r in local[local.chart.astype(bool)].itertuples():
        shown = data.assistance(r.country, r.fiscal_year, r.fiscal_year, group=r.program_group, data_dir=data_dir,
                                local=True)
        from_local = shown[shown.added_locally.astype(bool)]
        if (r.country, r.fiscal_year, r.program_group, r.row_type) in kit:
            assert from_local.empty
        else:
            assert list(from_local.amount_usd_millions) == [pytest.approx(r.amount_usd_millions)]
    # and the kit's own tables are untouched
    assert len(data.load("assistance", data_dir)) == len(data.load("assistance"))


def test_local_rows_fill_a_gap_in_the_security_series(data_dir):
    # Pakistan FY2019: the kit holds only requests (no charted amount); the import adds 5.0
    assert 2019 not in data.security_assistance_series("Pakistan", data_dir=data_dir).index
    foreignassistance.write_local(FIXTURE, data_dir)
    assert data.security_assistance_series("Pakistan", data_dir=data_dir).loc[2019] == pytest.approx(5.0)


def test_reimport_replaces_and_zero_row_import_writes_nothing(data_dir, tmp_path):
    target, n, _ = foreignassistance.write_local(FIXTURE, data_dir)
    foreignassistance.write_local(FIXTURE, data_dir)  # the same file again: replaced, not doubled
    assert len(data.load_local("assistance", data_dir)) == n
    before = target.read_bytes()
    nothing = _file(tmp_path, "1,France,Economic,Economic Support Fund,Obligations,2015,1000000", name=FIXTURE.name)
    with pytest.raises(data.DataError, match="nothing written"):
        foreignassistance.write_local(nothing, data_dir)
    assert target.read_bytes() == before


def test_rows_failing_the_kit_checks_are_never_written(data_dir, monkeypatch):
    target, _, _ = foreignassistance.write_local(FIXTURE, data_dir)
    before = target.read_bytes()
    real = foreignassistance._import

    def broken(path, source_id):
        rows, report = real(path, source_id)
        rows[0]["amount_usd_millions"] = "-1"  # as if a bug slipped a negative amount through
        return rows, report

    monkeypatch.setattr(foreignassistance, "_import", broken)
    with pytest.raises(data.DataError) as exc:
        foreignassistance.write_local(FIXTURE, data_dir)
    assert "nothing written" in str(exc.value) and "amount_usd_millions" in str(exc.value)
    assert target.read_bytes() == before
    assert [p.name for p in (data_dir / "local").iterdir() if p.name.startswith(".")] == []


def test_two_imports_charting_the_same_cell_are_refused(data_dir, tmp_path):
    foreignassistance.write_local(FIXTURE, data_dir)
    other = _file(tmp_path, "1,Pakistan,Military,Some New Security Account,Obligations,2019,7000000", name="other.csv")
    with pytest.raises(data.DataError) as exc:
        foreignassistance.write_local(other, data_dir)
    assert "assistance_foreignassistance_complete_sample.csv" in str(exc.value)
    assert not (data_dir / "local" / "assistance_other.csv").exists()


def test_leftover_temporary_files_are_ignored(data_dir):
    foreignassistance.write_local(FIXTURE, data_dir)
    (data_dir / "local" / ".assistance_x.csv.abc123.tmp").write_text("country,fisc")  # as after kill -9
    (data_dir / "local" / ".assistance_y.csv").write_text("country,fisc")
    assert len(data.load_local("assistance", data_dir)) == 6


def test_a_hand_broken_local_file_is_named(data_dir):
    target, _, _ = foreignassistance.write_local(FIXTURE, data_dir)
    target.write_text(target.read_text(encoding="utf-8").replace(",1300,", ",inf,"), encoding="utf-8")
    with pytest.raises(data.DataError) as exc:
        data.assistance("Egypt", data_dir=data_dir, local=True)
    assert "local/assistance_foreignassistance_complete_sample.csv" in str(exc.value)
    assert "column 'amount_usd_millions'" in str(exc.value)


def test_cli_refuses_a_folder_with_one_line(tmp_path, capsys):
    (tmp_path / "dl").mkdir()
    assert foreignassistance.main([str(tmp_path / "dl"), "--data-dir", str(_copy_data(tmp_path))]) == 1
    out = capsys.readouterr().out
    assert out.startswith("error:") and "folder" in out and out.count("\n") == 1


def test_the_explorer_shows_local_rows_as_added_locally(data_dir):
    from casekit import chartrule, explorer

    foreignassistance.write_local(FIXTURE, data_dir)
    kit = _kit_chart_cells()
    # Egypt FY2015 IMET: $1.75 million obligated; the kit has no IMET cell for that year
    assert ("Egypt", 2015, "IMET", "program") not in kit
    frame = explorer.series("Egypt", "IMET", start=2014, end=2016, data_dir=data_dir)
    row = frame[frame.fiscal_year == 2015].iloc[0]
    assert row.amount == pytest.approx(1.75) and bool(row.added_locally)
    assert not frame[frame.fiscal_year != 2015].added_locally.any()
    assert "Added locally with make update-data" in explorer.describe("Egypt", "IMET", "nominal", frame)
    # Egypt FY2015 FMF: the kit's cited figure stays; the import (also 1,300) does not replace it
    fmf = explorer.series("Egypt", "FMF", start=2015, end=2015, data_dir=data_dir).iloc[0]
    assert not fmf.added_locally and not any(i.startswith("FAGOV-LOCAL") for i in fmf.source_ids)
    # case texts never see local rows
    assert chartrule.value("Egypt", "IMET", 2015, data_dir=data_dir) is None
    # the widget itself builds and labels the year in its readout
    ex = explorer.DataExplorer("Egypt", "IMET", years=(2014, 2016), data_dir=data_dir)
    assert "Added locally" in ex.readout.value and "FAGOV-LOCAL" in ex.table.value


def test_the_fast_chart_rule_for_imported_rows_agrees_with_the_kit_rule():
    import pandas as pd

    from casekit import chartrule

    fields = [f["name"] for f in tables.schema("assistance")["fields"]]

    def row(country, year, program, group, basis, amount, scope="full_year", source="FAGOV-LOCAL-x", year_basis="fiscal"):
        r = dict.fromkeys(fields, pd.NA)
        r.update(country=country, fiscal_year=year, program=program, program_group=group, category="security",
                 row_type="program", scope=scope, year_basis=year_basis, amount_usd_millions=amount,
                 value_status="reported", basis=basis, source_id=source, chart=False)
        return r

    rows = pd.DataFrame.from_records([
        row("Egypt", 2015, "FMF a", "FMF", "obligation", 10.0),
        row("Egypt", 2015, "FMF b", "FMF", "obligation", 5.0),       # two accounts of one group: summed
        row("Egypt", 2015, "FMF a", "FMF", "disbursement", 30.0),    # loses to the obligation
        row("Egypt", 2016, "IMET", "IMET", "obligation", 0.0),       # a zero obligation ...
        row("Egypt", 2016, "IMET", "IMET", "disbursement", 1.0),     # ... loses to a positive disbursement
        row("Egypt", 2017, "ESF", "ESF", "request", 9.0),            # a request charts only when alone
        row("Egypt", 2018, "ESF", "ESF", "request", 9.0),
        row("Egypt", 2018, "ESF", "ESF", "disbursement", 2.0),
        row("Iraq", 2019, "ISFF", "ISFF", "obligation", 3.0, scope="partial_year"),  # not simple: general rule
        row("Iraq", 2019, "ISFF", "ISFF", "disbursement", 4.0),
        row("Iraq", 2020, "ISFF", "ISFF", "obligation", 3.0, source="FAGOV-LOCAL-y"),  # two sources: general
        row("Iraq", 2020, "ISFF", "ISFF", "obligation", 6.0, source="FAGOV-LOCAL-x"),
    ])
    rows.index = range(100, 100 + len(rows))  # labels as in chartrule.charted (after the kit's rows)
    sources = pd.DataFrame({"source_id": ["FAGOV-LOCAL-x", "FAGOV-LOCAL-y"], "tier": ["primary", "primary"],
                            "date": ["", "2020"]})
    cells, flags = foreignassistance.charted_local(rows, sources)
    assert cells.equals(chartrule.charted_from(rows, sources))
    assert flags.equals(chartrule.chart_flags(rows, sources))
    # and the hand-worked expectations
    egypt15 = cells[(cells.country == "Egypt") & (cells.fiscal_year == 2015)].iloc[0]
    assert egypt15.amount == 15.0 and egypt15.basis == "obligation"
    assert cells[(cells.fiscal_year == 2016)].iloc[0].basis == "disbursement"
    assert cells[(cells.fiscal_year == 2017)].iloc[0].status == "request"
    assert cells[(cells.fiscal_year == 2018)].iloc[0].basis == "disbursement"


def test_aid_chart_stars_and_lists_local_rows(data_dir, monkeypatch):
    from casekit import charts, paths

    foreignassistance.write_local(FIXTURE, data_dir)
    monkeypatch.setattr(paths, "DATA", data_dir)  # the chart reads the kit's data folder
    fig, table = charts.aid_chart("Egypt", groups=("IMET",), start=2014, end=2016, with_total=False)
    row = table[table.fiscal_year == 2015].iloc[0]
    assert row.nominal_usd_m == pytest.approx(1.75) and bool(row.added_locally)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("added locally" in t for t in labels)
    # without local rows the table keeps its usual columns
    monkeypatch.setattr(paths, "DATA", ROOT / "data")
    _, plain = charts.aid_chart("Egypt", groups=("IMET",), start=2014, end=2016, with_total=False)
    assert "added_locally" not in plain.columns
