"""Evidence charts for the case notebooks (aid, military-spending share, suppliers, context, timeline).

Each ``*_chart`` function returns ``(fig, table)``: a matplotlib figure drawn in the kit's
colour-blind-safe style and a small :class:`pandas.DataFrame` holding exactly the numbers the figure
shows, so a notebook can print the numbers as text (nbval compares text, not PNG bytes) and so a
reader who cannot see the chart loses nothing. :func:`show` displays both, with alt text.

Everything comes from :mod:`casekit.data`; no number is typed here. Years with no data stay gaps in
the lines (never zero), and every table keeps the ``source_id`` of its rows where the data have one.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from . import data
from .style import OKABE_ITO

__all__ = [
    "aid_chart",
    "milex_share_chart",
    "supplier_chart",
    "context_chart",
    "timeline_chart",
    "show",
    "table_text",
]

BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK = OKABE_ITO
GREY = "#999999"

GROUP_LABELS = {
    "FMF": "FMF (military grants)",
    "ESF": "ESF (economic support)",
    "IMET": "IMET (training)",
    "CSF": "Coalition Support Funds",
    "all_accounts": "all U.S. assistance, obligations (ForeignAssistance.gov)",
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
    fig = Figure(figsize=(width, height), dpi=100, facecolor="white")
    return fig


def _style_axes(ax):
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.tick_params(labelsize=11)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def _base_year() -> str:
    for name in ("constant_base_year", "base_year"):
        fn = getattr(data, name, None)
        if fn is not None:
            return str(fn())
    return "base year"


# ---------------------------------------------------------------------------------------------
# 1. aid by program, nominal and constant dollars


def aid_chart(country: str, groups=("FMF", "ESF"), start=None, end=None, with_total=True):
    """Aid by program group, nominal (solid) and constant dollars (dashed), $ millions.

    Uses the chart rows of ``assistance.csv``; ``with_total`` adds the ForeignAssistance.gov
    all-accounts obligations (military plus economic, not separable) as a grey line for context.
    """
    wanted = list(groups) + (["all_accounts"] if with_total else [])
    df = data.assistance(country, start, end, group=wanted, dollars="constant")
    df = df[df["amount_usd_millions"].notna()]
    df = df[(df["row_type"] == "program") | (df["program_group"] == "all_accounts")]
    fig = _figure(width=8.5, height=5.2)
    ax = fig.add_subplot(1, 1, 1)
    colours = {g: c for g, c in zip(groups, [BLUE, ORANGE, GREEN, PURPLE, SKY])}
    colours["all_accounts"] = GREY
    for g in wanted:
        sub = df[df["program_group"] == g].sort_values("fiscal_year")
        if sub.empty:
            continue
        years = sub["fiscal_year"].astype(int)
        full = pd.Series(sub["amount_usd_millions"].to_numpy(), index=years)
        const = pd.Series(sub["amount_constant"].to_numpy(), index=years)
        idx = range(int(years.min()), int(years.max()) + 1)
        full, const = full.reindex(idx), const.reindex(idx)  # gaps stay gaps
        label = GROUP_LABELS.get(g, g)
        ax.plot(full.index, full.to_numpy(), color=colours[g], marker="o", markersize=3.5, linewidth=1.8,
                label=f"{label}, nominal")
        ax.plot(const.index, const.to_numpy(), color=colours[g], linestyle="--", linewidth=1.4,
                label=f"{label}, constant {_base_year()} $")
    ax.set_ylabel("US$ millions")
    ax.set_xlabel("U.S. fiscal year")
    ax.set_title(f"U.S. assistance to {country} by program")
    ax.set_ylim(bottom=0)
    _style_axes(ax)
    ax.legend(fontsize=10, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.tight_layout()
    table = df[["fiscal_year", "program_group", "amount_usd_millions", "amount_constant", "basis", "source_id"]]
    table = table.rename(columns={"amount_usd_millions": "nominal_usd_m", "amount_constant": "constant_usd_m"})
    table = table.sort_values(["program_group", "fiscal_year"]).reset_index(drop=True)
    table["constant_usd_m"] = table["constant_usd_m"].round(1)
    return fig, table


# ---------------------------------------------------------------------------------------------
# 2. security assistance as a share of the partner's military spending


def milex_share_chart(country: str):
    """U.S. security assistance / partner military expenditure, by year (percent)."""
    share = data.security_share_of_milex(country).dropna()
    fig = _figure(height=3.6)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(share.index, share.to_numpy() * 100, color=BLUE, width=0.7)
    ax.set_ylabel("percent of military spending")
    ax.set_xlabel("year (U.S. fiscal year paired with calendar year)")
    ax.set_title(f"U.S. security assistance as a share of {country}'s military spending")
    _style_axes(ax)
    fig.tight_layout()
    table = pd.DataFrame({"year": share.index.astype(int), "share_percent": (share.to_numpy() * 100).round(1)})
    return fig, table


# ---------------------------------------------------------------------------------------------
# 3. arms suppliers by period


def supplier_chart(country: str, periods=((1995, 2009), (2010, 2014), (2015, 2024)), top=4):
    """Each period's supplier shares of SIPRI TIV imports; the ``top`` suppliers overall, rest as 'others'."""
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
    ax.set_title(f"Who sells {country} its major weapons")
    _style_axes(ax)
    ax.legend(fontsize=10, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    table = (tab * 100).round(1)
    table.index.name = "period"
    return fig, table


# ---------------------------------------------------------------------------------------------
# 4. context indicators


def context_chart(country: str, indicators=("electoral_democracy_index", "terrorism_deaths", "milex_share_gdp"),
                  start=1995):
    """Small multiples of context indicators (one panel each), with units from context.csv."""
    ctx = data.load("context")
    ctx = ctx[(ctx["country"] == country) & (ctx["year"] >= start)]
    fig = _figure(width=9.0, height=3.2)
    tables = []
    for i, ind in enumerate(indicators, 1):
        sub = ctx[ctx["indicator"] == ind].sort_values("year")
        ax = fig.add_subplot(1, len(indicators), i)
        if not sub.empty:
            years = sub["year"].astype(int)
            series = pd.Series(sub["value"].astype(float).to_numpy(), index=years)
            series = series.reindex(range(int(years.min()), int(years.max()) + 1))  # gaps stay gaps
            ax.plot(series.index, series.to_numpy(), color=OKABE_ITO[i - 1], linewidth=1.8, marker="o",
                    markersize=2.5)
            unit = str(sub["unit"].iloc[0])
            ax.set_title(ind.replace("_", " "), fontsize=11)
            ax.set_xlabel(unit, fontsize=10)
            tables.append(sub[["indicator", "year", "value", "unit", "source_id"]])
        _style_axes(ax)
    fig.tight_layout()
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    return fig, table


# ---------------------------------------------------------------------------------------------
# 5. event timeline over aid


def timeline_chart(country: str, group="FMF", start=2009, end=2024, episodes=None):
    """Aid line(s) with dated events marked underneath, coloured by kind of event.

    The top panel shows ``group`` (chart rows, nominal) and the ForeignAssistance.gov all-accounts
    obligations; the bottom panel places each event of ``country`` (optionally only ``episodes``) on
    the same time axis.
    """
    aid = data.assistance(country, start, end, group=[group, "all_accounts"])
    aid = aid[aid["amount_usd_millions"].notna()]
    ev = data.events(country)
    ev = ev[(ev["date_start"].dt.year >= start) & (ev["date_start"].dt.year <= end)]
    if episodes is not None:
        ev = ev[ev["episode"].isin(list(episodes))]
    fig = _figure(width=9.0, height=5.0)
    ax1 = fig.add_subplot(2, 1, 1)
    ax2 = fig.add_subplot(2, 1, 2, sharex=ax1)
    for g, colour in ((group, BLUE), ("all_accounts", GREY)):
        sub = aid[aid["program_group"] == g].sort_values("fiscal_year")
        if sub.empty:
            continue
        years = sub["fiscal_year"].astype(int)
        s = pd.Series(sub["amount_usd_millions"].to_numpy(), index=years).reindex(range(years.min(), years.max() + 1))
        # a fiscal year starts 1 October of the previous calendar year; plot at mid-year
        ax1.plot(s.index - 0.25, s.to_numpy(), color=colour, marker="o", markersize=3.5,
                 label=GROUP_LABELS.get(g, g))
    ax1.set_ylabel("US$ millions")
    ax1.set_ylim(bottom=0)
    ax1.set_title(f"{country}: aid and the events around it")
    ax1.legend(fontsize=10, frameon=False, loc="lower left")
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
    ax2.set_xlabel("calendar year")
    _style_axes(ax2)
    fig.tight_layout()
    table = ev[["date", "event_type", "episode", "summary", "source_id"]].reset_index(drop=True)
    return fig, table


# ---------------------------------------------------------------------------------------------
# display


def table_text(table: pd.DataFrame, max_colwidth: int = 70) -> str:
    """A table as plain text (deterministic, no index clutter), for printing under a chart."""
    with pd.option_context("display.max_colwidth", max_colwidth, "display.width", 200,
                           "display.max_rows", 500, "display.max_columns", 20):
        return table.to_string(index=not isinstance(table.index, pd.RangeIndex), max_colwidth=max_colwidth)


def show(fig, table: pd.DataFrame, alt: str, print_table: bool = True) -> None:
    """Display ``fig`` as a PNG with alt text, then print the numbers it shows."""
    import io

    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    display(Image(data=buf.getvalue(), format="png", metadata={"alt": alt}))
    if print_table:
        print(table_text(table))
