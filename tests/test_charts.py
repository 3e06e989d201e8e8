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
    # numbers right-aligned, text left-aligned (JupyterLab's default right-aligns every cell)
    assert '<th style="text-align:right">Aid as percent of military spending</th>' in html
    ev = charts.formatted(charts.events_table("Egypt", until="2013-07-03"), "Events")._repr_html_()
    assert '<th style="text-align:left">What happened</th>' in ev and 'text-align:right' not in ev
    ft = charts.formatted(t.assign(note=["$5 million"]), "x")
    assert "$" not in ft._repr_html_().replace("&#36;", "")  # dollar signs made safe in HTML


# --- how a static chart reaches the page ------------------------------------------------------------

def _img_attrs(html_text):
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    Parser().feed(html_text)
    return found


def _png_chunks(png: bytes) -> list[str]:
    import struct

    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunks.append(kind.decode("ascii"))
        at += 12 + length
    return chunks


def test_show_emits_an_html_image_whose_alt_text_jupyterlab_reads(monkeypatch):
    # JupyterLab ignores metadata["image/png"]["alt"] (axe-core rule image-alt fails on a bare PNG
    # output); an <img alt=...> in text/html is read. The alt text must survive quotes, < and &.
    import base64

    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    fig, table = charts.milex_share_chart("Colombia", start=1999, end=2001)
    alt = 'Bar chart: "aid share" of Colombia\'s military spending, FY1999 < FY2000 & FY2001.'
    charts.show(fig, table, alt)
    bundle, kwargs = shown[0]
    assert kwargs.get("raw") is True and set(bundle) == {"text/html", "text/plain"}  # no bare image/png
    imgs = _img_attrs(bundle["text/html"])
    assert len(imgs) == 1 and imgs[0]["alt"] == alt
    assert alt in bundle["text/plain"]
    src = imgs[0]["src"]
    assert src.startswith("data:image/png;base64,")
    png = base64.b64decode(src.split(",", 1)[1])
    # no text chunk (software version, date), no timestamp chunk: the bytes depend on the figure only
    assert set(_png_chunks(png)) <= {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}
    from PIL import Image

    width, height = Image.open(__import__("io").BytesIO(png)).size
    # drawn at twice the size it is shown at: sharp on 2x screens and at 1920 px, never stretched
    assert int(imgs[0]["width"]) == round(width / 2) and int(imgs[0]["height"]) == round(height / 2)
    assert "max-width:100%" in imgs[0]["style"]
    assert isinstance(shown[1][0], charts.FormattedTable)  # the numbers follow as a table


def test_the_default_table_caption_is_the_alt_texts_first_sentence_and_u_s_does_not_end_it():
    alt = "Line chart of U.S. FMF to Egypt, FY2009-FY2014: flat at 1,300. FY2013 is a request."
    assert charts.caption_from_alt(alt) == "Line chart of U.S. FMF to Egypt, FY2009-FY2014."
    assert charts.caption_from_alt("Who sold Egypt its major weapons. Russia rises.") == "Who sold Egypt its major weapons."


def test_the_same_chart_gives_the_same_bytes_and_an_empty_alt_is_refused():
    first = charts.image_html(charts.aid_chart("Egypt", end=2012)[0], "Aid to Egypt.")
    second = charts.image_html(charts.aid_chart("Egypt", end=2012)[0], "Aid to Egypt.")
    assert first == second  # nbval compares text/html: a re-run must give the same text
    assert len(first) < 150_000  # a notebook holds several charts
    with pytest.raises(ValueError, match="alt must describe"):
        charts.image_html(charts.aid_chart("Egypt", end=2012)[0], "  ")


def test_an_embedded_chart_is_not_read_as_dates_by_the_hindsight_check():
    # base64 text holds digit runs such as "2019"; the case check must not read them as years
    from casekit import casecheck

    html_text = charts.image_html(charts.aid_chart("Iraq", end=2014)[0], "Aid to Iraq by program.")
    assert casecheck.hindsight(html_text, casecheck.Decision(1990, 1)) == []
    assert casecheck.hindsight(html_text + " In 2019 it fell.", casecheck.Decision(1990, 1))  # still reads text


@pytest.mark.parametrize("make", [
    lambda: charts.aid_chart("Iraq", groups=("ITEF/CTEF", "ISFF"), end=2020),
    lambda: charts.milex_share_chart("Colombia", end=2005),
    lambda: charts.supplier_chart("Egypt", end=2013),
    lambda: charts.context_chart("Egypt", end=2013),
    lambda: charts.timeline_chart("Egypt", start=2009, end=2013),
])
def test_no_chart_text_is_typeset_as_maths(make):
    # matplotlib typesets text between two "$" as maths unless parse_math is off
    from matplotlib.text import Text

    fig, _ = make()
    texts = fig.findobj(Text)
    assert texts and not [t.get_text() for t in texts if t.get_parse_math()]


def test_an_authorization_is_marked_apart_from_the_line():
    # Iraq FY2019 CTEF: 850 in the FY2019 NDAA conference text, an authorization (a ceiling), not money
    fig, t = charts.aid_chart("Iraq", groups=("ITEF/CTEF",), start=2015, end=2020, with_total=False)
    assert t.loc[t.fiscal_year == 2019, "status"].tolist() == ["authorization"]
    line = [ln for ln in fig.axes[0].lines if ln.get_label() == charts.GROUP_LABELS["ITEF/CTEF"]][0]
    xs, ys = line.get_data()
    assert 2019 not in list(xs) or str(ys[list(xs).index(2019)]) == "nan"
    labels = [ln.get_label() for ln in fig.axes[0].lines]
    assert "authorization only (a ceiling, not money provided)" in labels
    assert "authorization only" in charts.formatted(t, "x").text()


def test_long_tables_are_folded_and_short_ones_are_not():
    """A learner table of more than FOLD_ROWS rows opens from a summary line that names the caption
    and the row count; a short one is shown as it is. Every row is still in the HTML and the text."""
    import pandas as pd

    long = charts.FormattedTable(pd.DataFrame({"year": [str(y) for y in range(1990, 2015)]}), "Aid by year")
    html = long._repr_html_()
    assert html.startswith("<details><summary>Aid by year (25 rows")
    assert html.count("<tr>") == 26 and "2014" in html and "2014" in long.text()
    short = charts.FormattedTable(pd.DataFrame({"year": ["2013", "2014"]}), "Two years")
    assert "<details>" not in short._repr_html_() and short._repr_html_().startswith("<table>")
