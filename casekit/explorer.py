"""The data explorer: U.S. assistance by country, program group and year, with its sources.

:func:`series` is the pure query behind the explorer (tested directly); :class:`DataExplorer` is the
ipywidgets front end: dropdowns for country and program group, nominal or constant dollars, a year
range, one persistent bar chart updated in place, a text readout and the table of sources behind
the bars. A year with no data is drawn as a grey "no data" mark on the axis — never as a zero bar.
"""

from __future__ import annotations

from functools import lru_cache

import matplotlib.ticker
import pandas as pd

from . import data, style
from .figures import PersistentFigure, chart_image

ALL_SECURITY = "All security programs"
ALL_ACCOUNTS = "All accounts (ForeignAssistance.gov obligations)"
YEAR_MIN, YEAR_MAX = 1990, 2024


def group_options(country: str, data_dir=None) -> list[str]:
    """Program groups the country has chart rows for, after the two summary views."""
    df = data.assistance(country, data_dir=data_dir)
    df = df[(df["row_type"] == "program") & df["amount_usd_millions"].notna()]
    groups = sorted(set(df["program_group"]) - {"all_accounts", "multi_account"})
    return [ALL_SECURITY, ALL_ACCOUNTS] + groups


def series(country, group=ALL_SECURITY, dollars="nominal", start=2000, end=2020, data_dir=None) -> pd.DataFrame:
    """One row per fiscal year start..end: ``amount`` ($ millions; NaN = no data) and ``source_ids``.

    See :func:`_series` for the definitions; results are cached per data folder and file contents.
    """
    if start > end:
        raise ValueError(f"start year {start} is after end year {end}")
    key = data.fingerprint(data_dir)
    lo, hi = min(start, YEAR_MIN), max(end, YEAR_MAX)  # cache the widest range, then slice
    full = _series(country, group, dollars, lo, hi, None if data_dir is None else str(data_dir), key)
    return full[full["fiscal_year"].between(start, end)].reset_index(drop=True)


@lru_cache(maxsize=256)
def _series(country, group, dollars, start, end, data_dir, _fingerprint) -> pd.DataFrame:
    """The query behind :func:`series` (cached). Definitions:

    ``group`` is a program group, :data:`ALL_SECURITY` (printed security subtotal where the data have
    one, else the sum of security program rows: a floor where coverage is partial) or
    :data:`ALL_ACCOUNTS` (ForeignAssistance.gov all-account obligations).
    """
    rows = data.assistance(country, data_dir=data_dir)
    if group == ALL_SECURITY:
        amounts = data.security_assistance_series(country, data_dir=data_dir)
        used = rows[rows["category"].isin(["security"]) & rows["amount_usd_millions"].notna()]
    elif group == ALL_ACCOUNTS:
        used = rows[(rows["program_group"] == "all_accounts") & (rows["basis"] == "obligation")]
        used = used[used["amount_usd_millions"].notna()]
        amounts = used.groupby("fiscal_year")["amount_usd_millions"].sum()
    else:
        used = rows[(rows["program_group"] == group) & (rows["row_type"] == "program")]
        used = used[used["amount_usd_millions"].notna()]
        amounts = used.groupby("fiscal_year")["amount_usd_millions"].sum()
    years = list(range(start, end + 1))
    out = pd.DataFrame({"fiscal_year": years})
    out["amount"] = [float(amounts.get(y, float("nan"))) for y in years]
    # a year a source explicitly records as "none provided" is a sourced fact, not a gap
    none_rows = rows[rows["value_status"] == "none_provided"]
    if group not in (ALL_SECURITY, ALL_ACCOUNTS):
        none_rows = none_rows[none_rows["program_group"] == group]
    elif group == ALL_SECURITY:
        none_rows = none_rows[none_rows["category"] == "security"]
    none_years = set(none_rows["fiscal_year"].astype(int))
    out["status"] = [
        "data" if pd.notna(a) else ("none_provided" if y in none_years else "no_data")
        for y, a in zip(years, out["amount"])
    ]
    used = pd.concat([used, none_rows[none_rows["fiscal_year"].isin(
        [y for y, st in zip(years, out["status"]) if st == "none_provided"])]])
    by_year = used.groupby("fiscal_year")["source_id"].agg(lambda s: sorted(set(s)))
    out["source_ids"] = [by_year.get(y, []) if st != "no_data" else [] for y, st in zip(years, out["status"])]
    if dollars == "constant":
        out["amount"] = data.to_constant(out["amount"], out["fiscal_year"], data_dir=data_dir).to_numpy()
    elif dollars != "nominal":
        raise ValueError("dollars must be 'nominal' or 'constant'")
    return out


def describe(country, group, dollars, frame: pd.DataFrame, base_year: int | None = None) -> str:
    """A plain-language readout of a :func:`series` result."""
    have = frame["amount"].notna()
    n, total = int(have.sum()), len(frame)
    span = f"FY{frame.fiscal_year.iloc[0]}–FY{frame.fiscal_year.iloc[-1]}"
    unit = "nominal $" if dollars == "nominal" else f"constant {base_year} $"
    if n == 0:
        return f"{country}, {group}, {span}: no year has an amount in the kit. A gap is a gap, not zero."
    peak = frame.loc[frame["amount"].idxmax()]
    missing = frame.loc[frame["status"] == "no_data", "fiscal_year"].tolist()
    none = frame.loc[frame["status"] == "none_provided", "fiscal_year"].tolist()
    text = (
        f"{country}, {group}, {span} ({unit} millions): {n} of {total} years have data; "
        f"sum over those years {frame['amount'].sum():,.1f}; highest FY{int(peak.fiscal_year)} at {peak.amount:,.1f}."
    )
    if none:
        text += " Sources record no assistance of this kind in " + ", ".join(f"FY{y}" for y in none) + "."
    if missing:
        text += f" No data for {len(missing)} year(s): " + ", ".join(f"FY{y}" for y in missing) + "."
    return text


class DataExplorer:
    """Dropdowns + one persistent figure rendered into a ``widgets.Image``, updated in place."""

    def __init__(self, country="Egypt", group=ALL_SECURITY, dollars="nominal", years=(2000, 2020), data_dir=None):
        import ipywidgets as widgets

        self.data_dir = data_dir
        self.base_year = data.constant_base_year(data_dir)
        self.country = widgets.Dropdown(options=list(data.COUNTRIES), value=country, description="Country")
        self.group = widgets.Dropdown(options=group_options(country, data_dir), value=group, description="Program")
        self.dollars = widgets.ToggleButtons(
            options=[("Nominal $", "nominal"), (f"Constant {self.base_year} $", "constant")], value=dollars
        )
        self.years = widgets.IntRangeSlider(
            value=years, min=YEAR_MIN, max=YEAR_MAX, description="Fiscal years", continuous_update=False
        )
        self.image = chart_image(layout=widgets.Layout(width="720px"))
        self.readout = widgets.HTML()
        self.table = widgets.HTML()
        self._build_figure()
        for w in (self.group, self.dollars, self.years):
            w.observe(self._on_change, names="value")
        self.country.observe(self._on_country, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.country, self.group]), widgets.HBox([self.dollars, self.years]),
             self.image, self.readout, self.table]
        )
        self.update()

    # figure -----------------------------------------------------------------------------------
    def _build_figure(self):
        style.apply()
        self._canvas = PersistentFigure(figsize=(7.2, 4.0), dpi=100)
        self.fig = self._canvas.fig
        self.ax = self.fig.add_subplot()
        xs = list(range(YEAR_MIN, YEAR_MAX + 1))
        self.bars = self.ax.bar(xs, [0] * len(xs), color=style.OKABE_ITO[0], width=0.8)
        (self.gap_marks,) = self.ax.plot([], [], linestyle="none", marker="x", color="#666666",
                                         markersize=8, clip_on=False, label="no data in the kit")
        (self.none_marks,) = self.ax.plot([], [], linestyle="none", marker="o", markerfacecolor="none",
                                          color=style.OKABE_ITO[3], markersize=8, clip_on=False,
                                          label="none provided (per source)")
        self.ax.set_xlabel("U.S. fiscal year (selected years in colour)")
        self.ax.set_xlim(YEAR_MIN - 0.7, YEAR_MAX + 0.7)
        self.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        self.ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        self.fig.subplots_adjust(left=0.11, right=0.98, top=0.9, bottom=0.27)

    # events -----------------------------------------------------------------------------------
    def _on_country(self, change):
        options = group_options(change["new"], self.data_dir)
        keep = self.group.value if self.group.value in options else ALL_SECURITY
        with self.group.hold_trait_notifications():
            self.group.options = options
            self.group.value = keep
        self.update()

    def _on_change(self, change):
        self.update()

    def update(self):
        """Redraw for the current controls; returns the selected years' frame.

        The x axis always spans YEAR_MIN..YEAR_MAX and the y axis is scaled to the whole series, so
        moving the year slider only recolours bars (selected years in blue, the rest faded) and is
        blitted over a cached background. Changing country, program or dollars rescales the axes and
        refreshes that background.
        """
        start, end = self.years.value
        country, group, dollars = self.country.value, self.group.value, self.dollars.value
        full = series(country, group, dollars, YEAR_MIN, YEAR_MAX, self.data_dir)
        frame = full[full["fiscal_year"].between(start, end)].reset_index(drop=True)
        structure = (country, group, dollars)
        if structure != getattr(self, "_structure", None):
            amounts = dict(zip(full.fiscal_year, full.amount))
            for bar, year in zip(self.bars, range(YEAR_MIN, YEAR_MAX + 1)):
                value = amounts.get(year, float("nan"))
                bar.set_height(value if pd.notna(value) else 0)
                bar.set_visible(bool(pd.notna(value)))
            gaps = full.loc[full.status == "no_data", "fiscal_year"].tolist()
            self.gap_marks.set_data(gaps, [0] * len(gaps))
            nones = full.loc[full.status == "none_provided", "fiscal_year"].tolist()
            self.none_marks.set_data(nones, [0] * len(nones))
            top = full.amount.max()
            self.ax.set_ylim(0, (top * 1.15) if pd.notna(top) and top > 0 else 1)
            unit = "nominal" if dollars == "nominal" else f"constant {self.base_year}"
            self.ax.set_ylabel(f"$ millions ({unit})")
            self.ax.set_title(f"U.S. assistance to {country}: {group}", loc="left")
            self._canvas.freeze(self.bars)
            self._structure = structure
        for bar, year in zip(self.bars, range(YEAR_MIN, YEAR_MAX + 1)):
            bar.set_alpha(1.0 if start <= year <= end else 0.25)
        self.image.value = self._canvas.png()
        text = describe(country, group, dollars, frame, self.base_year)
        self.image.tooltip = text  # rendered as the image's title: a text alternative to the chart
        self.readout.value = f"<p>{text}</p>"
        self.table.value = sources_table_html(frame, self.data_dir)
        return frame

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def sources_table_html(frame: pd.DataFrame, data_dir=None) -> str:
    """An HTML table of the documents behind the years shown."""
    ids = [i for ids in frame["source_ids"] for i in ids]
    if not ids:
        return "<p><em>No sources: no data shown.</em></p>"
    src = data.sources_for(ids, data_dir)
    rows = "".join(
        f"<tr><td>{r.source_id}</td><td>{r.publisher}</td><td>{r.title}</td><td>{r.date}</td>"
        f"<td>{'' if pd.isna(r.table_or_page) else r.table_or_page}</td></tr>"
        for r in src.itertuples()
    )
    return (
        "<table><thead><tr><th>source</th><th>publisher</th><th>title</th><th>date</th><th>table/page</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
