"""Figure style: a colour-blind-safe palette and readable fonts (alt text is added by charts.show and the widgets).

Palette: Okabe & Ito, "Color Universal Design" (2008), eight colours distinguishable under the
common forms of colour-vision deficiency. Fonts: at least 11 pt for ticks and 12 pt for titles,
so projected seminar slides stay legible.

No mathtext: matplotlib typesets the text between two ``$`` signs as maths ("$5 to $10 million"
would lose its dollar signs and come out in italics). The kit's charts never hold formulas, so
:data:`RC` turns that off for figures made after :func:`apply`, and :func:`plain_text` turns it off
for every text of a figure already built (the chart functions call it, whatever the rcParams).
"""

import matplotlib

OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
]

RC = {
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "svg.hashsalt": "casekit",
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def plain_text(fig):
    """Turn mathtext off for every text of ``fig`` (titles, labels, legends, ticks); returns ``fig``."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def apply() -> None:
    """Apply the kit's style to matplotlib globally (called by notebooks once)."""
    matplotlib.rcParams.update(RC)
