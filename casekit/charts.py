"""Evidence charts and tables for the case notebooks (aid, military-spending share, suppliers, context,
timeline, events).

Each ``*_chart`` function returns ``(fig, table)``: a matplotlib figure drawn in the kit's
colour-blind-safe style and a :class:`pandas.DataFrame` holding exactly the numbers the figure shows
(machine column names, so a notebook can filter it). :func:`show` displays the figure as an HTML
``<img>`` with alt text (JupyterLab ignores the alt text of a plain PNG output), rendered at twice
its display resolution and reduced to a 256-colour palette with no dates or versions in the file,
so a re-run gives the same bytes; then the table **formatted for learners** (:func:`formatted`:
column names in words with units, no index, sensible rounding, a caption), so a reader who cannot
see the chart loses nothing and nbval can compare text. Chart texts are never typeset as maths
(:func:`casekit.style.plain_text`).

Decision-forcing notebooks stop at the decision year: every chart function takes ``end=`` (the last
year shown) and the functions that show events take ``until=`` (the last date shown, ``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``; an event is shown only when its whole dated period ends by then).

Assistance amounts come from :mod:`casekit.chartrule` (the chart rule of ``data/README.md``): a
fiscal-year line joins only fiscal-year figures; a figure whose source states a calendar year or no
year basis is drawn as a separate diamond, never joined to the line; a partial year or tranche is a
hollow circle on the line; a request (not money provided) is a hollow triangle and an authorization
(a ceiling, not money provided) a hollow downward triangle, and neither enters a line or total. Years with no data stay gaps (never zero). No number is typed here.
"""

from __future__ import annotations

import datetime as _dt
import html
import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import chartrule, data
from .textsafe import md_safe
from .style import OKABE_ITO, plain_text

__all__ = [
    "aid_chart",
    "milex_share_chart",
    "supplier_chart",
    "context_chart",
    "timeline_chart",
    "events_table",
    "formatted",
    "FormattedTable",
    "show",
    "image_html",
    "png_bytes",
    "table_text",
    "GROUP_LABELS",
    "INDICATOR_LABELS",
]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
GREY = "#999999"

#: Program groups in words (chart legends, table cells, explorer menus).
GROUP_LABELS = {
    "FMF": "Foreign Military Financing (grants)",
    "FMF loan": "Foreign Military Financing loans",
    "IMET": "military education and training (IMET)",
    "ESF": "Economic Support Fund",
    "DA": "Development Assistance",
    "INCLE": "narcotics control and law enforcement (INCLE)",
    "NADR": "nonproliferation, anti-terrorism, demining (NADR)",
    "CSF": "Coalition Support Funds (reimbursements, not aid)",
    "ISFF": "Iraq Security Forces Fund",
    "ITEF/CTEF": "Iraq / Counter-ISIS Train and Equip Fund",
    "Section 1206/2282/333": "Defense Department train and equip (Section 1206/2282/333)",
    "PCF/PCCF": "Pakistan Counterinsurgency Fund",
    "DoD counterdrug": "Defense Department counterdrug aid",
    "DoD other": "other Defense Department security aid",
    "other_security": "other security programs",
    "global_health": "global health",
    "food_aid": "food aid",
    "humanitarian": "disaster and refugee aid",
    "other_economic": "other economic programs",
    "security_total": "security aid, printed total",
    "economic_total": "economic aid, printed total",
    "multi_account": "aid package, printed total (several accounts)",
    "all_accounts": "all U.S. assistance, obligations (ForeignAssistance.gov, all accounts)",
}

#: Context indicators in words, with the axis range that does not mislead (None = from the data).
INDICATOR_LABELS = {
    "electoral_democracy_index": ("Electoral democracy (V-Dem index, 0 = least, 1 = most)", (0.0, 1.0)),
    "terrorism_deaths": ("Deaths from terrorism (GTD via Our World in Data)", (0.0, None)),
    "milex_share_gdp": ("Military spending, percent of GDP (SIPRI)", (0.0, None)),
    "milex_current_usd": ("Military spending, USD millions (SIPRI, current)", (0.0, None)),
    "gdp_current_usd": ("GDP, USD (World Bank, current)", (0.0, None)),
    "population": ("Population (World Bank)", (0.0, None)),
}

STATUS_WORDS = {
    "full": "whole year",
    "partial": "partial (one tranche, running total or supplemental only)",
    "partial_year": "partial year (year not over when the source was made)",
    "request": "request only (not money provided)",
    "authorization": "authorization only (a ceiling, not money provided)",
    "none": "none provided (per source)",
    "inferred_none": "none (inferred by the kit, no source says so)",
}
YEAR_BASIS_WORDS = {"fiscal": "fiscal year", "calendar": "calendar year", "unknown": "year basis not stated"}

#: How :func:`formatted` shows each machine column: (words, kind). Kinds: money (USD millions, one
#: decimal), percent (one decimal), index (three decimals), count (whole number), year, text, group.
COLUMNS = {
    "fiscal_year": ("Fiscal year", "year"),
    "year": ("Year", "year"),
    "program_group": ("Program", "group"),
    "nominal_usd_m": ("USD millions (as printed)", "money"),
    "constant_usd_m": ("USD millions (constant dollars)", "money"),
    "aid_usd_m": ("U.S. security aid, USD millions", "money"),
    "milex_usd_m": ("Military spending, USD millions", "money"),
    "share_percent": ("Aid as percent of military spending", "percent"),
    "status": ("Coverage", "status"),
    "year_basis": ("Year basis", "year_basis"),
    "basis": ("Basis", "text"),
    "source_id": ("Source", "text"),
    "indicator": ("Indicator", "indicator"),
    "value": ("Value", "value"),
    "unit": ("Unit", "text"),
    "date": ("Date", "text"),
    "event_type": ("Kind of event", "event_type"),
    "episode": ("Episode", "text"),
    "summary": ("What happened", "text"),
}

#: how event types are drawn on the timeline: (label, colour, marker)
EVENT_STYLE = {
    "pressure": ("U.S. pressure", VERMILLION, "v"),   # hold, suspension, reprogramming, warning
    "relief": ("U.S. relief", GREEN, "^"),            # release, waiver
    "partner": ("partner action", PURPLE, "o"),       # coup, crackdown, uprising, other supplier
    "policy": ("U.S. policy / law / sale", BLUE, "s"),
}
_EVENT_CLASS = {
    "hold": "pressure", "suspension": "pressure", "reprogram": "pressure", "warning": "pressure",
    "sanctions": "pressure", "certification": "pressure",
    "release": "relief", "waiver": "relief",
    "coup": "partner", "crackdown": "partner", "uprising": "partner", "alternative_supplier": "partner",
    "access_denied": "partner", "terror_attack": "partner", "military_operation": "partner",
}


def _figure(width=8.0, height=4.2) -> Figure:
    return Figure(figsize=(width, height), dpi=100, facecolor="white")


def _style_axes(ax):
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=11)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def _check_years(start, end):
    for name, value in (("start", start), ("end", end)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{name} must be a year (a whole number) or None, got {value!r}")
    if start is not None and end is not None and start > end:
        raise ValueError(f"start year {start} is after end year {end}")


def _period_end(text: str) -> _dt.date:
    """The last day of a ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` period."""
    day, precision = data.parse_partial_date(str(text))
    if precision == "year":
        return _dt.date(day.year, 12, 31)
    if precision == "month":
        nxt = _dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return nxt - _dt.timedelta(days=1)
    return day


def _cut_events(ev: pd.DataFrame, until) -> pd.DataFrame:
    """Events whose whole dated period ends on or before the end of ``until`` (None = all)."""
    if until is None or ev.empty:
        return ev
    try:
        limit = _period_end(until)
    except ValueError:
        raise ValueError(f"until must be a date YYYY, YYYY-MM or YYYY-MM-DD, got {until!r}") from None
    keep = [_period_end(d) <= limit for d in ev["date"].astype(str)]
    return ev[keep]


def _base_year() -> str:
    return str(data.constant_base_year())


def _ids(ids) -> str:
    return "; ".join(ids)


# ---------------------------------------------------------------------------------------------
# 1. aid by program, nominal and constant dollars


def aid_chart(country: str, groups=("FMF", "ESF"), start=None, end=None, with_total=True):
    """Aid by program group, nominal (solid line) and constant dollars (dashed), USD millions.

    Lines join fiscal-year figures only (whole years, and partial ones marked with a hollow circle).
    Figures whose source does not state a fiscal year are diamonds off the line; requests are hollow
    triangles, authorizations hollow downward triangles (neither is money provided). ``with_total`` adds the ForeignAssistance.gov all-accounts obligations (military plus
    economic, not separable) as a grey line for context; its latest year is partial. ``end`` is the
    last fiscal year shown.
    """
    _check_years(start, end)
    data._check_country(country)
    wanted = list(groups) + (["all_accounts"] if with_total else [])
    cells = chartrule.charted(country)
    cells = cells[cells["program_group"].isin(wanted)
                  & (cells["row_type"].eq("program") | cells["program_group"].eq("all_accounts"))]
    if start is not None:
        cells = cells[cells["fiscal_year"] >= start]
    if end is not None:
        cells = cells[cells["fiscal_year"] <= end]
    cells = cells[cells["amount"].notna()].copy()
    cells["constant"] = data.to_constant(cells["amount"], cells["fiscal_year"]).to_numpy()
    fig = _figure(width=8.5, height=5.4)
    ax = fig.add_subplot(1, 1, 1)
    colours = {g: c for g, c in zip(groups, [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION])}
    colours["all_accounts"] = GREY
    marked = {"partial": False, "other_year": False, "request": False, "authorization": False}
    for g in wanted:
        sub = cells[cells["program_group"] == g].sort_values("fiscal_year")
        if sub.empty:
            continue
        line = sub[sub["year_basis"].eq("fiscal") & sub["status"].isin(chartrule.IN_TOTALS)]
        label = GROUP_LABELS.get(g, g)
        if not line.empty:
            years = line["fiscal_year"].astype(int)
            idx = range(int(years.min()), int(years.max()) + 1)
            full = pd.Series(line["amount"].to_numpy(), index=years).reindex(idx)  # gaps stay gaps
            const = pd.Series(line["constant"].to_numpy(), index=years).reindex(idx)
            ax.plot(full.index, full.to_numpy(), color=colours[g], marker="o", markersize=3.5, linewidth=1.8,
                    label=label)
            ax.plot(const.index, const.to_numpy(), color=colours[g], linestyle="--", linewidth=1.4)
            part = line[line["status"] != "full"]
            if not part.empty:
                ax.plot(part["fiscal_year"], part["amount"], linestyle="none", marker="o", markersize=9,
                        markerfacecolor="white", markeredgecolor=colours[g], zorder=3)
                marked["partial"] = True
        other = sub[sub["year_basis"].ne("fiscal") & sub["status"].isin(chartrule.IN_TOTALS)]
        if not other.empty:
            ax.plot(other["fiscal_year"], other["amount"], linestyle="none", marker="D", markersize=6,
                    color=colours[g], zorder=3)
            marked["other_year"] = True
        req = sub[sub["status"] == "request"]
        if not req.empty:
            ax.plot(req["fiscal_year"], req["amount"], linestyle="none", marker="^", markersize=8,
                    markerfacecolor="white", markeredgecolor=colours[g], zorder=3)
            marked["request"] = True
        auth = sub[sub["status"] == "authorization"]
        if not auth.empty:
            ax.plot(auth["fiscal_year"], auth["amount"], linestyle="none", marker="v", markersize=8,
                    markerfacecolor="white", markeredgecolor=colours[g], zorder=3)
            marked["authorization"] = True
    local = cells[cells["added_locally"].astype(bool)] if "added_locally" in cells else cells.iloc[0:0]
    if not local.empty:  # rows added with make update-data (data/local/): starred and named in the legend
        ax.plot(local["fiscal_year"], local["amount"], linestyle="none", marker="*", markersize=12, color=BLACK,
                zorder=4, label="added locally (make update-data; not checked by the kit's authors)")
    # legend entries for the line styles and marker kinds, in black
    if not cells.empty:
        ax.plot([], [], color=BLACK, linewidth=1.8, label="solid line: as printed (nominal USD)")
        ax.plot([], [], color=BLACK, linewidth=1.4, linestyle="--", label=f"dashed line: constant {_base_year()} USD")
    if marked["partial"]:
        ax.plot([], [], linestyle="none", marker="o", markersize=9, markerfacecolor="white",
                markeredgecolor=BLACK, label="partial year or tranche")
    if marked["other_year"]:
        ax.plot([], [], linestyle="none", marker="D", markersize=6, color=BLACK,
                label="year basis not a stated fiscal year (not joined)")
    if marked["request"]:
        ax.plot([], [], linestyle="none", marker="^", markersize=8, markerfacecolor="white",
                markeredgecolor=BLACK, label="request only (not money provided)")
    if marked["authorization"]:
        ax.plot([], [], linestyle="none", marker="v", markersize=8, markerfacecolor="white",
                markeredgecolor=BLACK, label="authorization only (a ceiling, not money provided)")
    ax.set_ylabel("USD millions")
    ax.set_xlabel("U.S. fiscal year (October to September)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    span = "" if cells.empty else f", FY{int(cells.fiscal_year.min())}–FY{int(cells.fiscal_year.max())}"
    ax.set_title(f"U.S. assistance to {country} by program{span}")
    ax.set_ylim(bottom=0)
    _style_axes(ax)
    handles, labels = ax.get_legend_handles_labels()
    rows = math.ceil(len(labels) / 2)
    fig.set_size_inches(9.5, 4.4 + 0.28 * rows)
    fig.legend(handles, labels, fontsize=9.5, frameon=False, loc="lower center", ncol=2)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=(0.13 + 0.28 * rows) / (4.4 + 0.28 * rows) + 0.02)
    table = pd.DataFrame({
        "fiscal_year": cells["fiscal_year"].astype(int),
        "program_group": cells["program_group"],
        "nominal_usd_m": cells["amount"],
        "constant_usd_m": cells["constant"].round(1),
        "status": cells["status"],
        "year_basis": cells["year_basis"],
        "basis": cells["basis"],
        "source_id": [_ids(i) for i in cells["source_ids"]],
    })
    if not local.empty:
        table["added_locally"] = cells["added_locally"].astype(bool)
    table = table.sort_values(["program_group", "fiscal_year"]).reset_index(drop=True)
    return plain_text(fig), table


# ---------------------------------------------------------------------------------------------
# 2. security assistance as a share of the partner's military spending


def milex_share_chart(country: str, start=None, end=None):
    """U.S. security assistance (fiscal year) / partner military expenditure (calendar year), percent.

    Security assistance is :func:`casekit.data.security_assistance_series`: fiscal-year figures only,
    no requests, no Coalition Support Funds. ``end`` is the last year shown.
    """
    _check_years(start, end)
    share = data.security_share_of_milex(country).dropna()
    aid = data.security_assistance_series(country)
    milex = data.milex_usd_millions(country)
    if start is not None:
        share = share[share.index >= start]
    if end is not None:
        share = share[share.index <= end]
    fig = _figure(height=3.8)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(share.index, share.to_numpy() * 100, color=BLUE, width=0.7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("percent of military spending")
    ax.set_xlabel("year (U.S. fiscal year of aid paired with the calendar year of spending)")
    ax.set_title(f"U.S. security assistance as a share of {country}'s military spending")
    ax.set_ylim(bottom=0)
    _style_axes(ax)
    fig.tight_layout()
    years = share.index.astype(int)
    table = pd.DataFrame({
        "year": years,
        "aid_usd_m": aid.reindex(years).to_numpy(),
        "milex_usd_m": milex.reindex(years).round(1).to_numpy(),
        "share_percent": (share.to_numpy() * 100).round(1),
    })
    return plain_text(fig), table


# ---------------------------------------------------------------------------------------------
# 3. arms suppliers by period


def supplier_chart(country: str, periods=((1995, 2009), (2010, 2014), (2015, 2024)), top=4, end=None):
    """Each period's supplier shares of SIPRI TIV imports; the ``top`` suppliers overall, rest as 'others'.

    ``end`` cuts the periods: a period starting after ``end`` is dropped, one spanning it stops there.
    """
    _check_years(None, end)
    if end is not None:
        periods = [(a, min(b, end)) for a, b in periods if a <= end]
    if not periods:
        raise ValueError(f"no supplier period starts by end={end}")
    shares = {f"{a}-{b}": data.supplier_shares(country, a, b) for a, b in periods}
    overall = pd.concat(shares.values(), axis=1).fillna(0).sum(axis=1).sort_values(ascending=False, kind="mergesort")
    keep = list(overall.index[:top])
    rows = []
    for label, s in shares.items():
        row = {k: float(s.get(k, 0.0)) for k in keep}
        row["others"] = float(1 - sum(row.values())) if len(s) else 0.0
        rows.append(pd.Series(row, name=label))
    tab = pd.DataFrame(rows)
    fig = _figure(height=3.4)
    ax = fig.add_subplot(1, 1, 1)
    left = pd.Series(0.0, index=tab.index)
    colours = [BLUE, ORANGE, VERMILLION, GREEN, PURPLE, SKY]
    for i, col in enumerate(tab.columns):
        c = GREY if col == "others" else colours[i % len(colours)]
        ax.barh(tab.index, tab[col] * 100, left=left * 100, color=c, label=col, height=0.6)
        left = left + tab[col]
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("percent of major-arms imports (SIPRI trend-indicator values)")
    ax.set_title(f"Who sold {country} its major weapons")
    _style_axes(ax)
    ax.legend(fontsize=10, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    table = (tab * 100).round(1)
    table.index.name = "period"
    return plain_text(fig), table


# ---------------------------------------------------------------------------------------------
# 4. context indicators


def context_chart(country: str, indicators=("electoral_democracy_index", "terrorism_deaths", "milex_share_gdp"),
                  start=1995, end=None):
    """Small multiples of context indicators (one panel each), titled in words, axes from zero
    (the democracy index on its full 0-1 scale). ``end`` is the last year shown."""
    _check_years(start, end)
    data._check_country(country)
    ctx = data.load("context")
    ctx = ctx[(ctx["country"] == country) & (ctx["year"] >= (start if start is not None else 0))]
    if end is not None:
        ctx = ctx[ctx["year"] <= end]
    fig = _figure(width=10.5, height=3.6)
    tables = []
    for i, ind in enumerate(indicators, 1):
        if ind not in INDICATOR_LABELS:
            raise ValueError(f"indicator must be one of {', '.join(INDICATOR_LABELS)}, got {ind!r}")
        title, (lo, hi) = INDICATOR_LABELS[ind]
        sub = ctx[ctx["indicator"] == ind].sort_values("year")
        ax = fig.add_subplot(1, len(indicators), i)
        if not sub.empty:
            years = sub["year"].astype(int)
            series = pd.Series(sub["value"].astype(float).to_numpy(), index=years)
            series = series.reindex(range(int(years.min()), int(years.max()) + 1))  # gaps stay gaps
            ax.plot(series.index, series.to_numpy(), color=OKABE_ITO[i - 1], linewidth=1.8, marker="o",
                    markersize=2.5)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            tables.append(sub[["indicator", "year", "value", "unit", "source_id"]])
        ax.set_title(_wrap(title, 30), fontsize=11)
        ax.set_xlabel("calendar year", fontsize=10)
        ax.set_ylim(bottom=lo)
        if hi is not None:
            ax.set_ylim(top=hi)
        _style_axes(ax)
    fig.suptitle(f"{country}: context", fontsize=13)
    fig.tight_layout()
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(
        columns=["indicator", "year", "value", "unit", "source_id"])
    return plain_text(fig), table


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 5. event timeline over aid, and the events list


def events_table(country: str, until=None, start=None, episodes=None) -> pd.DataFrame:
    """The dated events of ``country`` up to ``until`` (an event shows only if its whole dated period
    ends by then), optionally from calendar year ``start`` and only for ``episodes``."""
    ev = data.events(country)
    if start is not None:
        ev = ev[ev["date_start"].dt.year >= start]
    if episodes is not None:
        ev = ev[ev["episode"].isin(list(episodes))]
    ev = _cut_events(ev, until)
    return ev[["date", "event_type", "episode", "summary", "source_id"]].reset_index(drop=True)


def timeline_chart(country: str, group="FMF", start=2009, end=2024, episodes=None, until=None):
    """Aid line(s) with dated events marked underneath, coloured by kind of event.

    The top panel shows ``group`` (charted fiscal-year amounts, nominal) and the ForeignAssistance.gov
    all-accounts obligations; the bottom panel places each event of ``country`` (optionally only
    ``episodes``) on the same time axis. ``end`` is the last year shown; events are cut at ``until``
    (default: the end of ``end``).
    """
    _check_years(start, end)
    cells = chartrule.charted(country)
    cells = cells[cells["program_group"].isin([group, "all_accounts"]) & cells["amount"].notna()
                  & cells["fiscal_year"].between(start, end) & cells["year_basis"].eq("fiscal")
                  & cells["status"].isin(chartrule.IN_TOTALS)
                  & (cells["row_type"].eq("program") | cells["program_group"].eq("all_accounts"))]
    ev = data.events(country)
    ev = ev[(ev["date_start"].dt.year >= start) & (ev["date_start"].dt.year <= end)]
    if episodes is not None:
        ev = ev[ev["episode"].isin(list(episodes))]
    ev = _cut_events(ev, until if until is not None else str(end))
    fig = _figure(width=9.0, height=5.2)
    ax1 = fig.add_subplot(2, 1, 1)
    ax2 = fig.add_subplot(2, 1, 2, sharex=ax1)
    for g, colour in ((group, BLUE), ("all_accounts", GREY)):
        sub = cells[cells["program_group"] == g].sort_values("fiscal_year")
        if sub.empty:
            continue
        years = sub["fiscal_year"].astype(int)
        s = pd.Series(sub["amount"].to_numpy(), index=years).reindex(range(years.min(), years.max() + 1))
        # a fiscal year starts 1 October of the previous calendar year; plot at mid-year
        ax1.plot(s.index - 0.25, s.to_numpy(), color=colour, marker="o", markersize=3.5,
                 label=GROUP_LABELS.get(g, g))
        part = sub[sub["status"] != "full"]
        if not part.empty:
            ax1.plot(part["fiscal_year"] - 0.25, part["amount"], linestyle="none", marker="o", markersize=9,
                     markerfacecolor="white", markeredgecolor=colour, label=f"{GROUP_LABELS.get(g, g)}: partial year")
    ax1.set_ylabel("USD millions")
    ax1.set_ylim(bottom=0)
    ax1.set_title(f"{country}: aid and the events around it, {start}–{end}")
    ax1.legend(fontsize=9, frameon=False, loc="lower left")
    _style_axes(ax1)
    rows = {k: i for i, k in enumerate(EVENT_STYLE)}
    for cls, (label, colour, marker) in EVENT_STYLE.items():
        sub = ev[ev["event_type"].map(lambda t: _EVENT_CLASS.get(t, "policy")) == cls]
        if sub.empty:
            continue
        x = sub["date_start"].dt.year + (sub["date_start"].dt.day_of_year - 1) / 366
        ax2.scatter(x, [rows[cls]] * len(sub), color=colour, marker=marker, s=45, label=label, zorder=3)
    ax2.set_yticks(list(rows.values()), [EVENT_STYLE[k][0] for k in rows], fontsize=10)
    ax2.set_ylim(-0.6, len(rows) - 0.4)
    ax2.set_xlim(start - 0.5, end + 0.5)
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_xlabel("calendar year (aid plotted at the middle of each fiscal year)")
    _style_axes(ax2)
    fig.tight_layout()
    table = ev[["date", "event_type", "episode", "summary", "source_id"]].reset_index(drop=True)
    return plain_text(fig), table


# ---------------------------------------------------------------------------------------------
# tables for learners


#: tables longer than this many rows are shown folded (a summary line the learner opens)
FOLD_ROWS = 20


class FormattedTable:
    """A table ready to show learners: words for column names (with units), no index, rounding by
    kind of number, a caption. Renders as HTML in JupyterLab and as aligned text elsewhere (and for
    nbval). ``frame`` holds the formatted strings; columns named in ``numeric`` are right-aligned in
    HTML, all others (text) left-aligned (JupyterLab right-aligns every cell by default)."""

    def __init__(self, frame: pd.DataFrame, caption: str, note: str = "", numeric=()):
        self.frame = frame
        self.caption = caption
        self.note = note
        self.numeric = set(numeric)

    def text(self) -> str:
        body = self.frame.to_string(index=False) if len(self.frame) else "(no rows)"
        parts = [self.caption, body] + ([self.note] if self.note else [])
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.text()

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        def esc(value) -> str:  # escape, then keep dollar signs from being typeset as maths
            return md_safe(html.escape(str(value)))

        align = [f' style="text-align:{"right" if c in self.numeric else "left"}"' for c in self.frame.columns]
        head = "".join(f"<th{a}>{esc(c)}</th>" for c, a in zip(self.frame.columns, align))
        body = "".join(
            "<tr>" + "".join(f"<td{a}>{esc(v)}</td>" for v, a in zip(row, align)) + "</tr>"
            for row in self.frame.itertuples(index=False)
        )
        note = f"<p><small>{esc(self.note)}</small></p>" if self.note else ""
        table = (f"<table><caption>{esc(self.caption)}</caption><thead><tr>{head}</tr></thead>"
                 f"<tbody>{body}</tbody></table>{note}")
        if len(self.frame) <= FOLD_ROWS:
            return table
        # a long table is folded so the chart's explanation and the next step stay in view
        return (f"<details><summary>{esc(self.caption)} ({len(self.frame)} rows: open to read them)</summary>"
                f"{table}</details>")


def _fmt_number(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{v:,.{decimals}f}"


def _fmt_value(value, unit: str) -> str:
    unit = str(unit).lower()
    if unit.startswith("index"):
        return _fmt_number(value, 3)
    if "percent" in unit:
        return _fmt_number(value, 1)
    if "count" in unit or unit == "persons" or unit.startswith("us$,"):
        return _fmt_number(value, 0)
    return _fmt_number(value, 1)


def formatted(table: pd.DataFrame, caption: str, note: str = "", columns=None) -> FormattedTable:
    """Format a chart table (or any table with the kit's column names) for learners.

    Known columns (:data:`COLUMNS`) get words and units and are rounded by kind: USD millions to
    one decimal with thousands separators, percents to one decimal, index values to three, counts
    to whole numbers; program groups, coverage and year basis appear in words. ``columns`` picks and
    orders columns; a table with a named index (e.g. the supplier table's ``period``) keeps it as a
    first column. Unknown numeric columns are treated as percents when the caption says "percent",
    otherwise rounded to one decimal.
    """
    df = table.copy()
    if not isinstance(df.index, pd.RangeIndex) and df.index.name:
        df = df.reset_index()
    if columns is not None:
        df = df[list(columns)]
    out = pd.DataFrame(index=range(len(df)))
    numeric = set()
    base = _base_year()
    for col in df.columns:
        words, kind = COLUMNS.get(col, (str(col).replace("_", " "), None))
        if col == "constant_usd_m":
            words = f"USD millions (constant {base} dollars)"
        values = df[col].tolist()
        if kind == "money":
            cells = [_fmt_number(v, 1) for v in values]
        elif kind == "percent":
            cells = [_fmt_number(v, 1) for v in values]
        elif kind == "year":
            cells = ["–" if pd.isna(v) else str(int(v)) for v in values]
        elif kind == "group":
            cells = [GROUP_LABELS.get(v, v) for v in values]
        elif kind == "status":
            cells = [STATUS_WORDS.get(v, v) for v in values]
        elif kind == "year_basis":
            cells = [YEAR_BASIS_WORDS.get(v, v) for v in values]
        elif kind == "indicator":
            cells = [INDICATOR_LABELS.get(v, (v, None))[0] for v in values]
        elif kind == "event_type":
            cells = ["" if pd.isna(v) else str(v).replace("_", " ") for v in values]
        elif kind == "value" and "unit" in df.columns:
            cells = [_fmt_value(v, u) for v, u in zip(values, df["unit"])]
        elif kind is None and pd.api.types.is_numeric_dtype(df[col]):
            cells = [_fmt_number(v, 1) for v in values]
        else:
            cells = ["" if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else str(v)
                     for v in values]
        out[words] = cells
        if kind in ("money", "percent", "year", "value") or (kind is None and pd.api.types.is_numeric_dtype(df[col])):
            numeric.add(words)
    return FormattedTable(out, caption, note, numeric)


def table_text(table: pd.DataFrame, max_colwidth: int = 70) -> str:
    """A raw table as plain text (deterministic, no index clutter). Prefer :func:`formatted` for learners."""
    with pd.option_context("display.max_colwidth", max_colwidth, "display.width", 200,
                           "display.max_rows", 500, "display.max_columns", 20):
        return table.to_string(index=not isinstance(table.index, pd.RangeIndex), max_colwidth=max_colwidth)


#: Static charts are rendered at this many pixels per inch and shown at half that size in CSS
#: pixels (the figures are laid out at 100 per inch), so they stay sharp on 2x screens and at 1920 px.
PNG_DPI = 200
PNG_SCALE = 2


def png_bytes(fig) -> tuple[bytes, int, int]:
    """``fig`` as deterministic PNG bytes, with its display size in CSS pixels ``(png, width, height)``.

    Rendered at :data:`PNG_DPI` with a tight bounding box, then reduced to an adaptive palette of at
    most 256 colours (the charts use a few flat colours plus anti-aliasing: about half the bytes of
    a full-colour PNG at half the resolution). Pillow writes no date, software or other text chunk,
    so the same figure gives the same bytes on every run.
    """
    import io

    from PIL import Image as PILImage

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight", metadata={"Software": None})
    img = PILImage.open(io.BytesIO(buf.getvalue())).convert("RGB")
    small = img.quantize(colors=256, method=PILImage.Quantize.FASTOCTREE, dither=PILImage.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="png", compress_level=9)
    width, height = img.size
    return out.getvalue(), round(width / PNG_SCALE), round(height / PNG_SCALE)


def image_html(fig, alt: str) -> str:
    """An ``<img>`` element holding ``fig`` as a PNG data URI, with ``alt`` as its text alternative.

    JupyterLab reads the alt text of an HTML image but ignores ``metadata["image/png"]["alt"]``, so
    a static chart is shown this way (axe-core rule ``image-alt``). The image is given its display
    width and may shrink with the window, never stretch.
    """
    import base64

    if not str(alt).strip():
        raise ValueError("alt must describe the chart in words (it is the chart's text alternative)")
    png, width, height = png_bytes(fig)
    src = base64.b64encode(png).decode("ascii")
    return (f'<img alt="{html.escape(str(alt), quote=True)}" width="{width}" height="{height}" '
            f'style="max-width:100%;height:auto" src="data:image/png;base64,{src}">')


def caption_from_alt(alt: str) -> str:
    """The alt text's first sentence, up to a colon, as a table caption (the handouts caption charts
    the same way). A full stop ends a sentence only after a lower-case letter, digit or ")" and before
    a capital, so "U.S." does not: "Line chart of U.S. FMF to Egypt: flat. More." gives "Line chart
    of U.S. FMF to Egypt." """
    import re

    first = re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", str(alt).strip(), maxsplit=1)[0]
    return first.split(": ", 1)[0].rstrip(" .") + "."


def show(fig, table: pd.DataFrame, alt: str, print_table: bool = True, caption: str | None = None,
         note: str = "") -> None:
    """Display ``fig`` as an HTML image with alt text, then the numbers it shows as a formatted table.

    The chart is one output with ``text/html`` (:func:`image_html`) and ``text/plain`` (the alt
    text, for plain-text front ends). ``caption`` defaults to :func:`caption_from_alt`.
    """
    from IPython.display import display

    display({"text/html": image_html(fig, alt), "text/plain": f"[chart] {alt}"}, raw=True)
    if print_table:
        cap = caption if caption is not None else caption_from_alt(alt)
        display(formatted(table, cap, note))
