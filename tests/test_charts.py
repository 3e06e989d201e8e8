"""Evidence charts: words not column names, honest axes, a cut at the decision year, formatted tables."""

import re

import pytest

from casekit import charts

DEMOCRACY_CAPTION = "electoral democracy"


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    if fig._suptitle is not None:
        out.append(fig._suptitle.get_text())
    return [t for t in out if t]


@pytest.mark.parametrize("make", [
    lambda: charts.aid_chart("Egypt", end=2013),
    lambda: charts.milex_share_chart("Colombia", end=2005),
    lambda: charts.supplier_chart("Egypt", end=2013),
    lambda: charts.context_chart("Egypt", end=2013),
    lambda: charts.timeline_chart("Egypt", start=2009, end=2013),
])
def test_titles_and_axes_use_words_not_column_names(make):
    fig, _ = make()
    for text in _texts(fig):
        assert not re.search(r"[a-z]+_[a-z]+", text), text  # no snake_case column names
        assert "$" not in text  # matplotlib would typeset text between two dollar signs


def test_every_chart_stops_at_end():
    _, t = charts.aid_chart("Egypt", groups=("FMF", "ESF"), end=2013)
    assert t.fiscal_year.max() <= 2013
    _, t = charts.milex_share_chart("Colombia", end=2002)
    assert t.year.max() == 2002
    _, t = charts.context_chart("Pakistan", end=2011)
    assert t.year.max() <= 2011
    _, t = charts.supplier_chart("Egypt", periods=((1995, 2009), (2010, 2014), (2015, 2024)), end=2013)
    assert list(t.index) == ["1995-2009", "2010-2013"]
    _, t = charts.timeline_chart("Egypt", start=2009, end=2012)
    assert (t.date.str[:4].astype(int) <= 2012).all()


def test_events_are_cut_at_a_date_by_their_whole_period():
    # a month-dated event ("2013-07") may fall after 3 July 2013, so it is left out at that cut-off;
    # a day-dated event of 3 July 2013 is kept
    t = charts.events_table("Egypt", until="2013-07-03")
    assert "2013-07" not in set(t.date)
    assert (t.date == "2013-07-03").any()
    assert all(d <= "2013-07-03" for d in t.date)
    with pytest.raises(ValueError, match="until must be a date"):
        charts.events_table("Egypt", until="July 2013")


def test_democracy_index_is_drawn_on_its_full_scale_and_money_from_zero():
    fig, _ = charts.context_chart("Egypt", indicators=("electoral_democracy_index",), end=2013)
    assert fig.axes[0].get_ylim() == (0.0, 1.0)
    fig, _ = charts.aid_chart("Egypt", end=2013)
    assert fig.axes[0].get_ylim()[0] == 0


def test_requests_and_unstated_years_are_never_joined_to_the_fiscal_line():
    # Egypt FY2013 FMF: only the $1.3 billion request is in the kit (the enacted post-sequester
    # amount is a gap); it must be a separate request marker, with the status in the table
    fig, t = charts.aid_chart("Egypt", groups=("FMF",), start=2010, end=2014, with_total=False)
    row = t[(t.fiscal_year == 2013) & (t.program_group == "FMF")]
    assert row.status.tolist() == ["request"]
    line = [ln for ln in fig.axes[0].lines if ln.get_label() == charts.GROUP_LABELS["FMF"]][0]
    xs, ys = line.get_data()
    assert 2013 in list(xs) and str(ys[list(xs).index(2013)]) == "nan"  # a gap in the line, not 1,300


def test_formatted_table_has_words_units_rounding_caption_and_no_index():
    _, t = charts.milex_share_chart("Colombia", start=2000, end=2000)
    ft = charts.formatted(t, "Colombia, FY2000")
    text = ft.text()
    assert text.splitlines()[0] == "Colombia, FY2000"
    assert "Aid as percent of military spending" in text and "share_percent" not in text
    assert "743.1" in text  # CIP total 743.05 shown to one decimal
    assert not text.splitlines()[2].startswith("0 ")  # no index column
    html = ft._repr_html_()
    assert "<caption>Colombia, FY2000</caption>" in html
    ft = charts.formatted(t.assign(note=["$5 million"]), "x")
    assert "$" not in ft._repr_html_().replace("&#36;", "")  # dollar signs made safe in HTML
