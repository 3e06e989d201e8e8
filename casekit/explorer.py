"""The data explorer: U.S. assistance by country, program group and year, with its sources.

:func:`series` is the pure query behind the explorer (tested directly); :class:`DataExplorer` is the
ipywidgets front end: dropdowns for country and program group, nominal or constant dollars, a year
range, one persistent bar chart updated in place, a one-line readout, and a collapsible *Details*
section with the full description, what the amounts include and the table of sources behind the
bars. Amounts come from :mod:`casekit.chartrule`. A year with no data is drawn as a grey "no data"
mark on the axis — never as a zero bar; partial years are hatched; amounts whose source gives no
fiscal year, requests, authorizations (a ceiling, not money provided), and sourced or inferred
"none" years each have their own mark. Menu labels and the details say what each total includes
(e.g. Pakistan's security total leaves out Coalition Support Funds, which are their own series).

Layout for a seminar room and a laptop: the program menu is as wide as its longest label; the year
slider is 36em wide (about 11 px per year) with the chosen range written beside it in a box that
fits the text (the slider's own readout box is a fixed 72 px and cut "2001 – 2020"); the chart is
a fixed-size image rendered at twice its display resolution, so it stays sharp at 1920 px.
"""

from __future__ import annotations

import html
from functools import lru_cache

import matplotlib.ticker
import pandas as pd

from . import charts, chartrule, data, style
from .figures import PersistentFigure, chart_image
from .textsafe import md_safe

ALL_SECURITY = "All security programs"
ALL_ACCOUNTS = "All accounts (ForeignAssistance.gov obligations)"
YEAR_MIN, YEAR_MAX = 1990, 2024

#: bar colour of amounts added locally with ``make update-data`` (Okabe-Ito bluish green)
LOCAL_COLOUR = style.OKABE_ITO[2]

#: year statuses in a :func:`series` frame
STATUSES = ("data", "partial", "other_year", "request", "authorization", "none_provided", "inferred_none",
            "no_data")


def _has_csf(country, data_dir=None) -> bool:
    cells = chartrule.charted(country, data_dir)
    return bool(((cells["program_group"] == "CSF") & cells["amount"].notna()).any())


def label(country: str, group: str, data_dir=None) -> str:
    """The menu and chart label of a view: it says what the amount includes."""
    if group == ALL_SECURITY:
        if _has_csf(country, data_dir):
            return "All security programs, excluding Coalition Support Funds (CSF) reimbursements"
        return "All security programs"
    if group == ALL_ACCOUNTS:
        return "All U.S. assistance, all agencies and accounts (ForeignAssistance.gov obligations)"
    return charts.GROUP_LABELS.get(group, group)


def includes(country: str, group: str, data_dir=None) -> str:
    """One sentence on what a view's amounts include and leave out."""
    if group == ALL_SECURITY:
        text = ("Security programs only: a printed security total where a source gives one that is at least "
                "the sum of the year's programs, otherwise the sum of the programs the kit has (a floor "
                "where coverage is partial). Requests, authorizations (ceilings, not money provided) and economic aid "
                "are left out")
        if _has_csf(country, data_dir):
            text += ("; Coalition Support Funds (reimbursements of the partner's costs, not aid) are left out "
                     "and shown as their own series, 'CSF'")
        return text + "."
    if group == ALL_ACCOUNTS:
        return ("ForeignAssistance.gov obligations, all agencies and accounts, military and economic together "
                "(the file does not separate them and appears to leave out Coalition Support Funds); "
                "its latest fiscal year was not complete when the file was made and is marked partial.")
    if group == "CSF":
        return ("Coalition Support Funds: Defense Department reimbursements of the partner's costs in "
                "support of U.S. operations, not assistance; never included in the security total.")
    return (f"{label(country, group, data_dir)}: the charted amount of each year (one document's programs "
            "summed, supplementals added; requests and authorizations shown apart, never as money provided).")


def group_options(country: str, data_dir=None) -> list[tuple[str, str]]:
    """(label, value) pairs for the program menu: the two summary views, then each program group the
    country has an amount for. Labels say what each view includes."""
    cells = chartrule.charted(country, data_dir)
    cells = cells[(cells["row_type"] == "program") & cells["amount"].notna()]
    groups = sorted(set(cells["program_group"]) - {"all_accounts", "multi_account"})
    views = [ALL_SECURITY, ALL_ACCOUNTS] + groups
    return [(label(country, g, data_dir), g) for g in views]


def series(country, group=ALL_SECURITY, dollars="nominal", start=2000, end=2020, data_dir=None) -> pd.DataFrame:
    """One row per fiscal year start..end.

    Columns: ``amount`` ($ millions; NaN when the year has no amount that counts), ``status`` (one of
    :data:`STATUSES`: ``data`` a whole fiscal-year amount; ``partial`` a partial year, tranche or
    supplemental only; ``other_year`` an amount whose source states a calendar year or no year basis,
    never joined to fiscal years; ``request`` only a request, in ``request`` not ``amount``;
    ``authorization`` only an authorization (a ceiling, not money provided), in ``authorization``
    not ``amount``; ``none_provided`` a source says none; ``inferred_none`` the kit infers none;
    ``no_data``), ``year_basis``, ``request`` (the requested amount, else NaN), ``authorization``
    (the authorized amount, else NaN), ``source_ids`` and ``added_locally``
    (the year's figure comes from rows added with ``make update-data``).
    See :func:`_series`; results are cached per data folder and file contents.
    """
    from casekit import validate  # one error style for learner inputs (closest match named)

    data._check_country(country)
    validate.choice("dollars", dollars, ("nominal", "constant"))
    start, end = validate.year("start", start), validate.year("end", end)
    if start > end:
        raise validate.InputError(f"start year {start} is after end year {end}")
    key = data.fingerprint(data_dir)
    lo, hi = min(start, YEAR_MIN), max(end, YEAR_MAX)  # cache the widest range, then slice
    full = _series(country, group, dollars, lo, hi, None if data_dir is None else str(data_dir), key)
    return full[full["fiscal_year"].between(start, end)].reset_index(drop=True)


def _status_of(status: str, year_basis: str) -> str:
    if status in ("none", "none_provided"):
        return "none_provided"
    if status in ("request", "authorization", "inferred_none"):
        return status
    if year_basis != "fiscal":
        return "other_year"
    return "data" if status == "full" else "partial"


@lru_cache(maxsize=256)
def _series(country, group, dollars, start, end, data_dir, _fingerprint) -> pd.DataFrame:
    """The query behind :func:`series` (cached), from :mod:`casekit.chartrule`."""
    data._check_country(country)
    if dollars not in ("nominal", "constant"):
        raise ValueError("dollars must be 'nominal' or 'constant'")
    cells = chartrule.charted(country, data_dir)
    by_year = {}
    if group == ALL_SECURITY:
        totals = chartrule.security_totals(country, data_dir=data_dir)
        for r in totals.itertuples():
            by_year[int(r.fiscal_year)] = (r.amount, _status_of(r.status, r.year_basis), r.year_basis,
                                           float("nan"), float("nan"), list(r.source_ids))
        sec = cells[(cells["category"] == "security") & cells["row_type"].isin(["program", "subtotal"])]
    else:
        if group == ALL_ACCOUNTS:
            sec = cells[cells["program_group"] == "all_accounts"]
        else:
            sec = cells[(cells["program_group"] == group) & (cells["row_type"] == "program")]
        for r in sec.itertuples():
            st = _status_of(r.status, r.year_basis)
            if st in ("request", "authorization", "none_provided", "inferred_none"):
                continue
            by_year[int(r.fiscal_year)] = (r.amount, st, r.year_basis, float("nan"), float("nan"),
                                           list(r.source_ids))
    # years without an amount that counts: an authorization (a ceiling) or a request (neither is money
    # provided; the authorization is the later stage and is shown if a year has both), or a sourced or
    # inferred "none"
    for status in ("authorization", "request", "none", "inferred_none"):
        rows = sec[sec["status"] == status]
        for year, grp in rows.groupby("fiscal_year"):
            year = int(year)
            if year in by_year:
                continue
            ids = sorted({i for t in grp["source_ids"] for i in t})
            req = float(grp["amount"].sum()) if status == "request" else float("nan")
            auth = float(grp["amount"].sum()) if status == "authorization" else float("nan")
            by_year[year] = (float("nan"), _status_of(status, "fiscal"), str(grp["year_basis"].iloc[0]), req, auth,
                             ids)
    years = list(range(start, end + 1))
    empty = (float("nan"), "no_data", "", float("nan"), float("nan"), [])
    rows = [by_year.get(y, empty) for y in years]
    out = pd.DataFrame({
        "fiscal_year": years,
        "amount": [float(r[0]) for r in rows],
        "status": [r[1] for r in rows],
        "year_basis": [r[2] for r in rows],
        "request": [float(r[3]) for r in rows],
        "authorization": [float(r[4]) for r in rows],
        "source_ids": [r[5] for r in rows],
    })
    local_ids = data.local_source_ids(data_dir)  # rows added with make update-data are labelled
    out["added_locally"] = [any(i in local_ids for i in ids) for ids in out["source_ids"]]
    if dollars == "constant":
        out["amount"] = data.to_constant(out["amount"], out["fiscal_year"], data_dir=data_dir).to_numpy()
        for col in ("request", "authorization"):
            out[col] = data.to_constant(out[col], out["fiscal_year"], data_dir=data_dir).to_numpy()
    return out


def describe(country, group, dollars, frame: pd.DataFrame, base_year: int | None = None, name=None) -> str:
    """A plain-language readout of a :func:`series` result: what the amount includes, how many
    years have data, and which years are partial, of another year basis, requests, authorizations
    or none. ``name`` is the view's :func:`label` (looked up when not given)."""
    name = label(country, group) if name is None else name
    span = f"FY{frame.fiscal_year.iloc[0]}–FY{frame.fiscal_year.iloc[-1]}"
    unit = "nominal USD" if dollars == "nominal" else f"constant {base_year} USD"
    fiscal = frame[frame["status"].isin(["data", "partial"])]
    n, total = len(fiscal), len(frame)

    def years(status):
        return ", ".join(f"FY{y}" for y in frame.loc[frame["status"] == status, "fiscal_year"])

    if n == 0 and not (frame["status"] == "other_year").any():
        text = f"{country}, {name}, {span}: no fiscal year has an amount in the kit. A gap is a gap, not zero."
    else:
        text = f"{country}, {name}, {span} ({unit} millions): {n} of {total} fiscal years have an amount"
        if n:
            peak = fiscal.loc[fiscal["amount"].idxmax()]
            text += (f"; sum over those years {fiscal['amount'].sum():,.1f}; highest FY{int(peak.fiscal_year)} "
                     f"at {peak.amount:,.1f}")
        text += "."
    for status, words in (("partial", "Partial (a part of the year only)"),
                          ("other_year", "Amounts whose source gives no fiscal year (not added to the fiscal series)"),
                          ("request", "Only a request (not money provided)"),
                          ("authorization", "Only an authorization (a ceiling set by Congress, not money provided)"),
                          ("none_provided", "Sources record no assistance of this kind"),
                          ("inferred_none", "No assistance inferred by the kit (no source says so)")):
        if (frame["status"] == status).any():
            text += f" {words}: {years(status)}."
    if "added_locally" in frame and frame["added_locally"].any():
        local = ", ".join(f"FY{y}" for y in frame.loc[frame["added_locally"], "fiscal_year"])
        text += (f" Added locally with make update-data (a ForeignAssistance.gov download, not checked by the "
                 f"kit's authors): {local}.")
    missing = frame.loc[frame["status"] == "no_data", "fiscal_year"].tolist()
    if missing:
        text += f" No data for {len(missing)} year(s): " + ", ".join(f"FY{y}" for y in missing) + "."
    return text


def headline(country, group, dollars, frame: pd.DataFrame, base_year: int | None = None, name=None) -> str:
    """The one-line readout under the explorer's chart: the view, how many years have an amount and
    the highest one. :func:`describe` (in the explorer's *Details*) says the rest."""
    name = label(country, group) if name is None else name
    span = f"FY{frame.fiscal_year.iloc[0]}–FY{frame.fiscal_year.iloc[-1]}"
    unit = "nominal USD" if dollars == "nominal" else f"constant {base_year} USD"
    fiscal = frame[frame["status"].isin(["data", "partial"])]
    text = f"{country}, {name}, {span}: {len(fiscal)} of {len(frame)} fiscal years have an amount"
    if len(fiscal):
        peak = fiscal.loc[fiscal["amount"].idxmax()]
        text += f"; highest FY{int(peak.fiscal_year)}, {peak.amount:,.1f} ({unit} millions)"
    text += "."
    if "added_locally" in frame and frame["added_locally"].any():  # unvetted rows are named up front
        local = ", ".join(f"FY{y}" for y in frame.loc[frame["added_locally"], "fiscal_year"])
        text += f" Added locally (make update-data, not checked by the kit's authors): {local}."
    return text


#: How the explorer's chart is drawn, in words (shown in its Details section).
CHART_KEY = ("How to read the chart: one bar per U.S. fiscal year from FY{lo} to FY{hi}; the selected years "
             "are in colour and the others faded. Solid bars are whole fiscal years, hatched bars partial years "
             "or tranches. Marks on or above the axis: orange diamond, an amount whose source gives no fiscal "
             "year; purple hollow triangle, a request only; purple hollow downward triangle, an authorization "
             "only (a ceiling, not money provided); grey cross, no data in the kit; hollow circle, none provided "
             "according to a source; hollow square, none inferred by the kit.")


class DataExplorer:
    """Dropdowns + one persistent figure rendered into a ``widgets.Image``, updated in place.

    Bars are whole fiscal-year amounts; hatched bars are partial years; diamonds are amounts whose
    source gives no fiscal year (never drawn as bars of the fiscal series); hollow triangles are
    requests and hollow downward triangles authorizations (neither is money provided); hollow
    circles a sourced "none"; hollow squares a "none" the kit infers; grey crosses years with no data.

    Under the chart: a one-line readout (:func:`headline`) and a collapsed *Details* section with
    :func:`describe`, :func:`includes`, how to read the chart and the sources of the years shown.
    """

    #: displayed chart size in inches at 100 CSS px per inch, and the rendering scale (2 = sharp on
    #: high-density screens and at 1920 px, where the browser would otherwise stretch a small bitmap)
    FIGSIZE = (7.6, 4.3)
    SCALE = 2

    def __init__(self, country="Egypt", group=ALL_SECURITY, dollars="nominal", years=(2000, 2020), data_dir=None):
        import ipywidgets as widgets

        self.data_dir = data_dir
        self.base_year = data.constant_base_year(data_dir)
        self.country = widgets.Dropdown(options=list(data.COUNTRIES), value=country, description="Country",
                                        layout=widgets.Layout(width="max-content", max_width="100%"))
        # as wide as the longest menu label (labels say what each total includes), shrinking with the window
        self.group = widgets.Dropdown(options=group_options(country, data_dir), value=group, description="Program",
                                      layout=widgets.Layout(width="max-content", max_width="100%"))
        self.dollars = widgets.ToggleButtons(
            options=[("Nominal USD", "nominal"), (f"Constant {self.base_year} USD", "constant")], value=dollars,
            style={"button_width": "max-content"},
        )
        # the slider's own readout is a fixed 72 px box: the range is written beside it instead
        self.years = widgets.IntRangeSlider(
            value=years, min=YEAR_MIN, max=YEAR_MAX, description="Fiscal years", continuous_update=False,
            readout=False, tooltip="Fiscal years shown in colour (first and last)",
            layout=widgets.Layout(width="36em", max_width="100%"),
        )
        self.years_shown = widgets.HTML(layout=widgets.Layout(width="auto", min_width="max-content",
                                                              margin="0 0 0 0.5em"))
        self._build_figure()
        self.image = chart_image(self._canvas)
        self.readout = widgets.HTML(layout=widgets.Layout(width="auto", max_width="100%"))
        self.details_text = widgets.HTML(layout=widgets.Layout(width="auto", max_width="100%"))
        self.table = widgets.HTML(layout=widgets.Layout(width="auto", max_width="100%"))
        self.details = widgets.Accordion(children=[widgets.VBox([self.details_text, self.table])])
        self.details.set_title(0, "Details: what the amounts include, marked years, how to read the chart, sources")
        self.details.selected_index = None
        for w in (self.group, self.dollars, self.years):
            w.observe(self._on_change, names="value")
        self.country.observe(self._on_country, names="value")
        wrap = widgets.Layout(flex_flow="row wrap", align_items="center", grid_gap="0.5em 1.5em")
        from .widgets import AccessibleNames  # gives the slider handles a name (ipywidgets leaves them unnamed)

        self.widget = widgets.VBox([
            AccessibleNames(),
            widgets.HBox([self.country, self.group], layout=wrap),
            widgets.HBox([self.dollars, widgets.HBox([self.years, self.years_shown],
                                                     layout=widgets.Layout(align_items="center"))], layout=wrap),
            self.image, self.readout, self.details,
        ])
        self.update()

    # figure -----------------------------------------------------------------------------------
    def _build_figure(self):
        style.apply()
        self._canvas = PersistentFigure(figsize=self.FIGSIZE, dpi=100, scale=self.SCALE, palette=True)
        self.fig = self._canvas.fig
        self.ax = self.fig.add_subplot()
        xs = list(range(YEAR_MIN, YEAR_MAX + 1))
        self.bars = self.ax.bar(xs, [0] * len(xs), color=style.OKABE_ITO[0], width=0.8)
        marks = dict(linestyle="none", clip_on=False)
        (self.other_marks,) = self.ax.plot([], [], marker="D", color=style.OKABE_ITO[1], markersize=7,
                                           label="amount, year basis not a stated fiscal year", **marks)
        (self.request_marks,) = self.ax.plot([], [], marker="^", markerfacecolor="none", color=style.OKABE_ITO[4],
                                             markersize=9, label="request only (not money provided)", **marks)
        (self.authorization_marks,) = self.ax.plot([], [], marker="v", markerfacecolor="none",
                                                   color=style.OKABE_ITO[4], markersize=9,
                                                   label="authorization only (a ceiling)", **marks)
        (self.gap_marks,) = self.ax.plot([], [], marker="x", color="#666666", markersize=8,
                                         label="no data in the kit", **marks)
        (self.none_marks,) = self.ax.plot([], [], marker="o", markerfacecolor="none", color=style.OKABE_ITO[3],
                                          markersize=8, label="none provided (per source)", **marks)
        (self.inferred_marks,) = self.ax.plot([], [], marker="s", markerfacecolor="none", color=style.OKABE_ITO[3],
                                              markersize=8, label="none, inferred by the kit", **marks)
        import matplotlib.patches as mpatches

        handles = [mpatches.Patch(color=style.OKABE_ITO[0], label="whole fiscal year"),
                   mpatches.Patch(facecolor="white", edgecolor=style.OKABE_ITO[0], hatch="///",
                                  label="partial year or tranche"),
                   self.other_marks, self.request_marks, self.authorization_marks, self.gap_marks,
                   self.none_marks, self.inferred_marks]
        if data.local_source_ids(self.data_dir):  # only when rows were added with make update-data
            handles.insert(2, mpatches.Patch(color=LOCAL_COLOUR, label="added locally (make update-data)"))
        self.ax.set_xlabel("U.S. fiscal year (selected years in colour)")
        self.ax.set_ylabel("USD millions")
        self.ax.set_xlim(YEAR_MIN - 0.7, YEAR_MAX + 0.7)
        self.ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        self.fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=2, frameon=False,
                        fontsize=9)
        rows = -(-len(handles) // 2)  # legend rows under the axes (a fifth when local rows exist)
        self.fig.subplots_adjust(left=0.1, right=0.98, top=0.89, bottom=0.33 + 0.05 * (rows - 4))
        style.plain_text(self.fig)  # no mathtext: a "$" in a label stays a dollar sign

    # events -----------------------------------------------------------------------------------
    def _on_country(self, change):
        options = group_options(change["new"], self.data_dir)
        values = [v for _, v in options]
        keep = self.group.value if self.group.value in values else ALL_SECURITY
        with self.group.hold_trait_notifications():
            self.group.options = options
            self.group.value = keep
        self.update()

    def _on_change(self, change):
        self.update()

    def update(self):
        """Redraw for the current controls; returns the selected years' frame.

        The x axis always spans YEAR_MIN..YEAR_MAX and the y axis is scaled to the whole series, so
        moving the year slider only recolours bars (selected years in colour, the rest faded) and is
        blitted over a cached background. Changing country, program or dollars rescales the axes and
        refreshes that background.
        """
        start, end = self.years.value
        country, group, dollars = self.country.value, self.group.value, self.dollars.value
        full = series(country, group, dollars, YEAR_MIN, YEAR_MAX, self.data_dir)
        frame = full[full["fiscal_year"].between(start, end)].reset_index(drop=True)
        structure = (country, group, dollars)
        if structure != getattr(self, "_structure", None):
            by_year = {int(r.fiscal_year): r for r in full.itertuples()}
            for bar, year in zip(self.bars, range(YEAR_MIN, YEAR_MAX + 1)):
                r = by_year.get(year)
                shown = r is not None and r.status in ("data", "partial")
                bar.set_height(r.amount if shown else 0)
                bar.set_visible(shown)
                partial = shown and r.status == "partial"
                colour = LOCAL_COLOUR if shown and r.added_locally else style.OKABE_ITO[0]
                bar.set_hatch("///" if partial else None)
                bar.set_facecolor("white" if partial else colour)
                bar.set_edgecolor(colour)

            def at(status, column=None):
                sel = full[full.status == status]
                ys = [0] * len(sel) if column is None else sel[column].tolist()
                return sel.fiscal_year.tolist(), ys

            self.other_marks.set_data(*at("other_year", "amount"))
            self.request_marks.set_data(*at("request", "request"))
            self.authorization_marks.set_data(*at("authorization", "authorization"))
            self.gap_marks.set_data(*at("no_data"))
            self.none_marks.set_data(*at("none_provided"))
            self.inferred_marks.set_data(*at("inferred_none"))
            top = pd.concat([full.amount, full.request, full.authorization]).max()
            self.ax.set_ylim(0, (top * 1.15) if pd.notna(top) and top > 0 else 1)
            unit = "nominal" if dollars == "nominal" else f"constant {self.base_year} dollars"
            self.ax.set_ylabel(f"USD millions ({unit})")
            self._name = label(country, group, self.data_dir)  # looked up once per view, not per slider move
            self._includes = includes(country, group, self.data_dir)
            self.ax.set_title(_wrap(f"U.S. assistance to {country}: {self._name}", 70), loc="left", fontsize=11)
            style.plain_text(self.fig)
            self._canvas.freeze(self.bars)
            self._structure = structure
        for bar, year in zip(self.bars, range(YEAR_MIN, YEAR_MAX + 1)):
            bar.set_alpha(1.0 if start <= year <= end else 0.25)
        self.image.value = self._canvas.png()
        text = describe(country, group, dollars, frame, self.base_year, name=self._name)
        self.image.tooltip = text  # rendered as the image's title: a text alternative to the chart
        self.years_shown.value = f"<span>FY{start} – FY{end}</span>"
        self.readout.value = f"<p>{_esc(headline(country, group, dollars, frame, self.base_year, self._name))}</p>"
        self.details_text.value = (
            f"<p>{_esc(text)}</p>"
            f"<p><em>Includes:</em> {_esc(self._includes)}</p>"
            f"<p>{_esc(CHART_KEY.format(lo=YEAR_MIN, hi=YEAR_MAX))}</p>"
            "<p><em>Sources of the years shown:</em></p>")
        self.table.value = sources_table_html(frame, self.data_dir)
        return frame

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def _esc(text) -> str:
    """HTML-escape, then keep dollar signs from being typeset as maths."""
    return md_safe(html.escape(str(text)))


def _wrap(text: str, width: int) -> str:
    return charts._wrap(text, width)


def sources_table_html(frame: pd.DataFrame, data_dir=None) -> str:
    """An HTML table of the documents behind the years shown."""
    ids = [i for ids in frame["source_ids"] for i in ids]
    if not ids:
        return "<p><em>No sources: no data shown.</em></p>"
    src = data.sources_for(ids, data_dir)
    def esc(value) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else md_safe(html.escape(str(value)))

    rows = "".join(
        f"<tr><td>{esc(r.source_id)}</td><td>{esc(r.publisher)}</td><td>{esc(r.title)}</td><td>{esc(r.date)}</td>"
        f"<td>{esc(r.table_or_page)}</td></tr>"
        for r in src.itertuples()
    )
    return (
        "<table><thead><tr><th>source</th><th>publisher</th><th>title</th><th>date</th><th>table/page</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
