"""The data explorer: gaps stay gaps, sourced facts show up, and the widget updates in place."""

import math

import pandas as pd
import pytest

from casekit import explorer


def test_missing_years_are_nan_not_zero():
    frame = explorer.series("Iraq", explorer.ALL_SECURITY, "nominal", 1995, 2002)
    # The kit records no Iraq security-program amount before FY2003: those years must be gaps.
    assert frame["amount"].isna().all()
    assert (frame["amount"].fillna(-1) != 0).all()
    assert set(frame["status"]) <= {"no_data", "none_provided", "inferred_none"}


def test_egypt_fmf_is_1300_million_a_year_fy2009_2012_and_fy2014():
    # CRS (RL33003) and the annual appropriations acts: $1.3 billion of FMF for Egypt each year. FY2013
    # was cut by sequestration; the kit has only the request for it, shown as a request, not as money.
    frame = explorer.series("Egypt", "FMF", "nominal", 2009, 2014).set_index("fiscal_year")
    assert frame.loc[[2009, 2010, 2011, 2012, 2014], "amount"].tolist() == [1300.0] * 5
    assert frame.loc[2013, "status"] == "request" and pd.isna(frame.loc[2013, "amount"])


def test_colombia_security_total_counts_plan_colombia():
    # CIP table, total of military and police programs, FY2000: 743.05 ($ millions), of which
    # International Narcotics Control 666.25 (a $0 Andean Counterdrug Initiative row must not hide it)
    frame = explorer.series("Colombia", explorer.ALL_SECURITY, "nominal", 2000, 2000)
    assert frame["amount"].iloc[0] == pytest.approx(743.05)
    assert explorer.series("Colombia", "INCLE", "nominal", 2000, 2000)["amount"].iloc[0] == 666.25


def test_pakistan_labels_say_the_security_total_leaves_out_csf():
    options = dict((v, k) for k, v in explorer.group_options("Pakistan"))
    assert "excluding Coalition Support Funds" in options[explorer.ALL_SECURITY]
    assert "CSF" in options  # CSF is its own series
    # CRS 2014 edition, FY2010: Total Security-Related 1,236; CSF Reimbursements 1,499
    assert explorer.series("Pakistan", explorer.ALL_SECURITY, "nominal", 2010, 2010)["amount"].iloc[0] == 1236
    assert explorer.series("Pakistan", "CSF", "nominal", 2010, 2010)["amount"].iloc[0] == 1499
    assert "left out" in explorer.includes("Pakistan", explorer.ALL_SECURITY)


def test_partial_year_and_unstated_year_basis_are_marked():
    # ForeignAssistance.gov snapshot holds only part of FY2024
    fae = explorer.series("Egypt", explorer.ALL_ACCOUNTS, "nominal", 2023, 2024).set_index("fiscal_year")
    assert fae.loc[2023, "status"] == "data" and fae.loc[2024, "status"] == "partial"
    # 'In 2017, the United States provided ... $121 million in FMF' (State, 2018) is not a fiscal-year figure,
    # but the FY2017 State fact sheet is, so FY2017 charts as fiscal
    leb = explorer.series("Lebanon", "FMF", "nominal", 2017, 2017)
    assert leb["status"].iloc[0] == "data" and leb["year_basis"].iloc[0] == "fiscal"


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
    with pytest.raises(ValueError, match="country must be one of"):
        explorer.series("Atlantis")


def test_widget_updates_readout_and_image_in_place():
    ex = explorer.DataExplorer(country="Egypt", group="FMF", years=(2009, 2014))
    fig, first_image = ex.fig, ex.image.value
    assert "Egypt, Foreign Military Financing" in ex.readout.value and "5 of 6 fiscal years" in ex.readout.value
    ex.country.value = "Pakistan"
    assert ex.fig is fig  # same figure object: updated, not rebuilt
    assert "Pakistan" in ex.readout.value and ex.image.value != first_image
    assert ex.group.value in [v for _, v in ex.group.options]
    ex.years.value = (1900, 2100)  # out of range: the slider clamps it
    assert ex.years.value == (explorer.YEAR_MIN, explorer.YEAR_MAX)
    assert ex.image.tooltip.startswith("Pakistan")


def test_widget_layout_readout_short_details_collapsed_range_written_out_chart_sharp():
    import io

    from PIL import Image

    ex = explorer.DataExplorer(country="Iraq", years=(2001, 2020))
    # the slider's fixed 72 px readout cut "2001 – 2020": the range is written beside the slider instead
    assert ex.years.readout is False and "FY2001 – FY2020" in ex.years_shown.value
    # FY2012-FY2013 have no Iraq security figure, so the details list years without data
    ex.years.value = (2003, 2013)
    assert "FY2003 – FY2013" in ex.years_shown.value
    # one short line under the chart; the long description and the sources sit in a collapsed section
    assert ex.readout.value.count("<p>") == 1 and "No data for" not in ex.readout.value
    assert ex.details.selected_index is None
    assert "No data for" in ex.details_text.value and "<table>" in ex.table.value
    # the slider's handles get a name for screen readers from its tooltip (casekit.widgets.AccessibleNames)
    from casekit.widgets import AccessibleNames

    assert any(isinstance(w, AccessibleNames) for w in ex.widget.children) and ex.years.tooltip
    # the chart is drawn at twice the size it is shown at (760 px wide)
    assert ex.image.layout.width == "760px"
    assert Image.open(io.BytesIO(ex.image.value)).size[0] == 2 * 760


def test_axis_labels_use_words_and_no_chart_text_is_typeset_as_maths():
    from matplotlib.text import Text

    ex = explorer.DataExplorer(country="Egypt", group="FMF", years=(2009, 2014))
    for dollars in ("nominal", "constant"):
        ex.dollars.value = dollars
        assert ex.ax.get_ylabel().startswith("USD millions") and "$" not in ex.ax.get_ylabel()
        assert not [t.get_text() for t in ex.fig.findobj(Text) if t.get_parse_math()]


def test_an_authorization_is_marked_and_never_counted():
    # Iraq FY2019 CTEF: $850 million in the FY2019 NDAA conference text is an authorization (a ceiling
    # on appropriations), not money provided: no bar, no security total, its own mark
    ctef = explorer.series("Iraq", "ITEF/CTEF", "nominal", 2019, 2019).iloc[0]
    assert ctef.status == "authorization" and math.isnan(ctef.amount) and ctef.authorization == 850.0
    total = explorer.series("Iraq", explorer.ALL_SECURITY, "nominal", 2019, 2019).iloc[0]
    assert math.isnan(total.amount) and total.status == "authorization"
    ex = explorer.DataExplorer(country="Iraq", group="ITEF/CTEF", years=(2015, 2020))
    assert 2019 in list(ex.authorization_marks.get_xdata())
    assert "Only an authorization" in ex.details_text.value
