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

    def __init__(self, figsize=(6.6, 3.6), dpi=90):
        self.fig = Figure(figsize=figsize, dpi=dpi, facecolor="white")
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
        img.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()



class ChartImage(widgets.Image):
    """A ``widgets.Image`` whose tooltip (the chart's text alternative) renders in JupyterLab.

    ipywidgets 8.1.9's front end reads ``description.length`` when a widget has a tooltip, and
    ``Image`` has no ``description``, so an Image with a tooltip fails to display ("Failed to
    create view"; found by ``tests/browser``). This subclass syncs an empty description.
    """

    description = Unicode("").tag(sync=True)


def chart_image(**kwargs) -> ChartImage:
    """A PNG :class:`ChartImage` for a widget's persistent figure."""
    return ChartImage(format="png", **kwargs)
