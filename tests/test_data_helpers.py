"""The query helpers in casekit.data, checked against the raw rows and printed facts."""

import csv
import math
from pathlib import Path

import pytest

from casekit import data, paths

ROOT = Path(__file__).resolve().parent.parent


def _rows(name):
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_egypt_security_share_of_milex_2010_is_fmf_over_sipri_spending():
    # FY2010: $1,300M FMF (appropriations act / CRS); SIPRI 2010 military spending read from context.csv.
    milex = next(float(r["value"]) for r in _rows("context")
                 if r["country"] == "Egypt" and r["year"] == "2010" and r["indicator"] == "milex_current_usd")
    assert "millions" in next(r["unit"] for r in _rows("context") if r["indicator"] == "milex_current_usd")
    share = data.security_share_of_milex("Egypt")
    aid_2010 = data.security_assistance_series("Egypt").loc[2010]
    assert aid_2010 >= 1300.0  # at least the FMF appropriation
    assert share.loc[2010] == pytest.approx(aid_2010 / milex)
    assert 0.2 < share.loc[2010] < 0.4  # roughly a quarter to a third of Egypt's spending


def test_share_has_no_invented_years():
    share = data.security_share_of_milex("Iraq")
    aid = data.security_assistance_series("Iraq")
    assert set(share.index) <= set(aid.index)
    assert not (share == 0).any()


def test_security_series_leaves_gaps_as_gaps():
    # Read the raw CSV: a fiscal year with no security row flagged for charts must be absent
    # from the series (a gap), never present as zero.
    with (paths.DATA / "assistance.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["country"] == "Bahrain"]
    charted = {int(r["fiscal_year"]) for r in rows
               if r["category"] == "security" and r["chart"] == "true" and r["amount_usd_millions"]}
    aid = data.security_assistance_series("Bahrain")
    missing = set(range(2000, 2021)) - charted
    assert 2003 in missing  # no source found for Bahrain FY2003 (data/README.md, Remaining gaps)
    assert missing.isdisjoint(aid.index)
    assert not aid.isna().any() and not (aid == 0).any()


def test_pakistan_reimbursements_are_separate_from_assistance():
    without = data.security_assistance_series("Pakistan")
    with_csf = data.security_assistance_series("Pakistan", include_reimbursement=True)
    # CRS direct overt aid table (March 2014 edition): FY2011 CSF reimbursements were $1,118M,
    # listed outside security assistance
    assert with_csf.loc[2011] == pytest.approx(without.loc[2011] + 1118.0)


def test_supplier_shares_match_a_hand_sum_of_sipri_rows():
    rows = [r for r in _rows("arms_imports") if r["recipient"] == "Egypt" and 2015 <= int(r["year"]) <= 2019]
    total = sum(float(r["tiv_millions"]) for r in rows)
    france = sum(float(r["tiv_millions"]) for r in rows if r["supplier"] == "France")
    shares = data.supplier_shares("Egypt", 2015, 2019)
    assert shares.sum() == pytest.approx(1.0)
    assert shares["France"] == pytest.approx(france / total)
    assert list(shares.index[:2]) != ["United States"]  # Egypt's turn to France and Russia after 2014


def test_supplier_shares_of_an_empty_window_are_empty_not_zero():
    assert data.supplier_shares("Bahrain", 1800, 1801).empty


def test_constant_dollars_use_the_bls_ratio():
    cpi = {int(r["year"]): float(r["index_value"]) for r in _rows("deflator")}
    base = max(cpi)
    out = data.to_constant([100.0], [2000])
    assert out.iloc[0] == pytest.approx(100.0 * cpi[base] / cpi[2000])
    assert math.isnan(data.to_constant([100.0], [1850]).iloc[0])  # outside the index: NaN, not a guess


def test_events_filter_by_country_and_episode():
    ev = data.events("Egypt", episode="egypt-2013")
    assert len(ev) >= 2 and set(ev["country"]) == {"Egypt"}
    assert ev["date_start"].is_monotonic_increasing


def test_sources_for_refuses_unknown_ids():
    with pytest.raises(data.DataError, match="NOT-A-SOURCE"):
        data.sources_for(["NOT-A-SOURCE"])


def test_unknown_country_names_the_valid_ones():
    with pytest.raises(ValueError, match="Egypt, Pakistan, Iraq, Bahrain, Lebanon, Colombia"):
        data.assistance("Egypte")


def test_country_and_program_vocabularies_have_one_home():
    # the schemas hold the vocabularies; no module of the package spells the country list out again
    import re

    literal = re.compile(r'"Egypt",\s*"Pakistan",\s*"Iraq",\s*"Bahrain",\s*"Lebanon",\s*"Colombia"')
    copies = [p.name for p in (ROOT / "casekit").glob("*.py") if literal.search(p.read_text(encoding="utf-8"))]
    assert copies == []
    assert data.COUNTRIES == ("Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia")
    from casekit import foreignassistance

    targets = {g for _, g in foreignassistance.ACCOUNT_GROUPS} | {"other_security", "other_economic"}
    assert targets <= set(data.PROGRAM_GROUPS)


def test_fingerprint_follows_file_contents(tmp_path):
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("local"))
    before = data.fingerprint(copy)
    assert data.fingerprint(copy) == before
    path = copy / "deflator.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("CPI-U", "CPI-X", 1), encoding="utf-8")  # same size, new content
    assert data.fingerprint(copy) != before
    path.write_text(text, encoding="utf-8")
    assert data.fingerprint(copy) == before  # the same bytes give the same key, whatever the clock says


def test_loaded_tables_are_copies():
    a = data.load("deflator")
    a.loc[0, "index_value"] = -1.0
    assert data.load("deflator").loc[0, "index_value"] > 0
