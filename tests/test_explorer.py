"""The data explorer: gaps stay gaps, sourced facts show up, and the widget updates in place."""

import math

import pytest

from casekit import explorer


def test_missing_years_are_nan_not_zero():
    frame = explorer.series("Iraq", explorer.ALL_SECURITY, "nominal", 1995, 2002)
    # The kit records no Iraq security-program amount before FY2003: those years must be gaps.
    assert frame["amount"].isna().all()
    assert (frame["amount"].fillna(-1) != 0).all()
    assert set(frame["status"]) <= {"no_data", "none_provided"}


def test_egypt_fmf_is_1300_million_a_year_fy2009_2014():
    # CRS (RL33003) and the annual appropriations acts: $1.3 billion of FMF for Egypt each year.
    frame = explorer.series("Egypt", "FMF", "nominal", 2009, 2014)
    assert frame["amount"].tolist() == [1300.0] * 6


def test_constant_dollars_raise_older_amounts():
    nominal = explorer.series("Egypt", "FMF", "nominal", 2009, 2009)["amount"].iloc[0]
    constant = explorer.series("Egypt", "FMF", "constant", 2009, 2009)["amount"].iloc[0]
    assert constant > nominal  # prices rose between 2009 and the base year


def test_every_shown_year_names_its_sources():
    frame = explorer.series("Pakistan", explorer.ALL_SECURITY, "nominal", 2008, 2018)
    for amount, ids in zip(frame["amount"], frame["source_ids"]):
        if not math.isnan(amount):
            assert ids, "a bar without a source"


def test_start_after_end_is_refused():
    with pytest.raises(ValueError, match="after end year"):
        explorer.series("Egypt", "FMF", "nominal", 2015, 2010)


def test_unknown_country_is_refused():
    with pytest.raises(ValueError, match="unknown country"):
        explorer.series("Atlantis")


def test_widget_updates_readout_and_image_in_place():
    ex = explorer.DataExplorer(country="Egypt", group="FMF", years=(2009, 2014))
    fig, first_image = ex.fig, ex.image.value
    assert "Egypt, FMF" in ex.readout.value and "6 of 6 years" in ex.readout.value
    ex.country.value = "Pakistan"
    assert ex.fig is fig  # same figure object: updated, not rebuilt
    assert "Pakistan" in ex.readout.value and ex.image.value != first_image
    assert ex.group.value in ex.group.options
    ex.years.value = (1900, 2100)  # out of range: the slider clamps it
    assert ex.years.value == (explorer.YEAR_MIN, explorer.YEAR_MAX)
    assert ex.image.tooltip.startswith("Pakistan")
