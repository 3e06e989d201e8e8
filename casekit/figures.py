"""One persistent matplotlib figure per widget, rendered to PNG bytes for a ``widgets.Image``.

Why this exists: the naive way to make an interactive chart (``interact`` plus a new pyplot figure
on every slider move) rebuilds and re-lays-out the whole figure each time, which costs 70-230 ms
here (``benchmarks/README.md``). A :class:`PersistentFigure` is created once on the Agg canvas (no
pyplot, no GUI backend) and its artists are updated in place. Two ways to render:

* :meth:`PersistentFigure.freeze` + :meth:`png`: when the axes never change, draw the static parts
  once, cache them, and on each update redraw only the moving artists over the cached background
  (blitting). Used by the leverage and conditionality labs.
* :meth:`png` with ``full=True``: when limits or tick labels change (the data explorer's year range),
  redraw the whole figure, still without building a new one.

Sharp on large and high-density screens: the figure is rendered at ``scale`` times its display
resolution (the labs use 2: 1320 x 720 pixels for a 660 x 360 px chart), and :func:`chart_image`
gives the image a fixed CSS width equal to the display size (shrinking with the window through
``max-width: 100%``), so the browser never stretches a small bitmap: at 1920 px the chart keeps its
size and is drawn with twice the pixels it needs on a standard screen, enough for a 2x display.

PNG encoding uses Pillow with fast compression; nbval does not compare PNG bytes, so notebooks also
print the numbers a chart shows.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as _PILImage
from traitlets import Unicode


class PersistentFigure:
    """A figure created once; static parts optionally cached; PNG out."""

    def __init__(self, figsize=(6.6, 3.6), dpi=100, scale=1, palette=False):
        """``dpi``: CSS pixels per inch when displayed; ``scale``: rendered pixels per displayed pixel;
        ``palette``: encode as a 256-colour palette PNG (about half the bytes of full colour for flat
        charts, so less to send on every move at ``scale=2``)."""
        self.display_size = (round(figsize[0] * dpi), round(figsize[1] * dpi))
        self.scale = scale
        self.palette = palette
        self.fig = Figure(figsize=figsize, dpi=dpi * scale, facecolor="white")
        self.canvas = FigureCanvasAgg(self.fig)
        self.dynamic = []
        self._background = None

    def freeze(self, dynamic):
        """Mark ``dynamic`` artists as moving, draw everything else once and cache it."""
        self.dynamic = list(dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)

    def png(self, full: bool = False) -> bytes:
        """Render to PNG: blit the moving artists over the cached background, or redraw everything."""
        if full or self._background is None:
            self.canvas.draw()
        else:
            self.canvas.restore_region(self._background)
            renderer = self.canvas.get_renderer()
            for artist in self.dynamic:
                artist.draw(renderer)
        width, height = self.canvas.get_width_height()
        img = _PILImage.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        if self.palette:
            img = img.quantize(colors=256, method=_PILImage.Quantize.FASTOCTREE, dither=_PILImage.Dither.NONE)
        else:
            img = img.convert("RGB")
        img.save(buf, format="png", compress_level=1)
        return buf.getvalue()



class ChartImage(widgets.Image):
    """A ``widgets.Image`` whose tooltip (the chart's text alternative) renders in JupyterLab.

    ipywidgets 8.1.9's front end reads ``description.length`` when a widget has a tooltip, and
    ``Image`` has no ``description``, so an Image with a tooltip fails to display ("Failed to
    create view"; found by ``tests/browser``). This subclass syncs an empty description.
    """

    description = Unicode("").tag(sync=True)


def chart_image(canvas: "PersistentFigure | None" = None, **kwargs) -> ChartImage:
    """A PNG :class:`ChartImage` for a widget's persistent figure, shown at the figure's display size."""
    if canvas is not None and "layout" not in kwargs:
        width, _ = canvas.display_size
        kwargs["layout"] = widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
    return ChartImage(format="png", **kwargs)
