"""One small validation module for every learner entry point (one error style, no silent coercion).

Every function takes the *name* of the parameter being checked and the value, and either returns the
value (converted only where the conversion cannot hide a mistake: an ``int`` or numpy number becomes a
``float``) or raises :class:`InputError`, a ``ValueError`` whose message is one line::

    <name> must be <what is allowed>, got <what was given>[; did you mean '<closest>'?]

Rules
-----
* ``True``/``False`` are never numbers or years (``bool`` is a subclass of ``int`` in Python; here it is
  refused), and strings are never numbers (``"0.5"`` is refused: a learner who typed quotes should be
  told, not silently obeyed).
* NaN and infinities are refused.
* :func:`choice` accepts only an exact allowed value and names the closest allowed value when there is
  one (``difflib``, case-insensitive), e.g. ``country must be one of Egypt, ...; got 'Columbia'; did you
  mean 'Colombia'?``.
* :func:`known_keys` checks the keys of a mapping the same way (a misspelled episode key is an error,
  not silently ignored).

In a notebook, an :class:`InputError` is shown as one red line, not a traceback: IPython asks an
exception for ``_render_traceback_()`` before formatting a traceback, and this class answers with its
one-line message. Every other exception keeps its normal traceback.
"""

from __future__ import annotations

import difflib
import math
import numbers
from typing import Iterable, Mapping

import numpy as np

__all__ = [
    "InputError",
    "closest",
    "choice",
    "unit",
    "number",
    "integer",
    "year",
    "boolean",
    "known_keys",
]

YEAR_MIN = 1946
YEAR_MAX = 2035


class InputError(ValueError):
    """A learner-facing input was not allowed; the message is one line naming the allowed values."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def closest(value, allowed: Iterable) -> str | None:
    """The allowed value most like ``value`` (case-insensitive), or None if nothing is close."""
    options = [str(a) for a in allowed]
    if not isinstance(value, str) or not options:
        return None
    lowered = {o.lower(): o for o in options}
    if value.strip().lower() in lowered:
        return lowered[value.strip().lower()]
    hits = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=0.6)
    if hits:
        return lowered[hits[0]]
    # a prefix is a good hint too ("colombia" for "colombia-cert")
    starts = [o for o in options if o.lower().startswith(value.strip().lower()) and value.strip()]
    return starts[0] if len(starts) == 1 else None


def choice(name: str, value, allowed: Iterable, what: str = "one of"):
    """Return ``value`` if it is one of ``allowed``; otherwise raise naming them and the closest match."""
    options = list(allowed)
    try:
        ok = value in options
    except TypeError:  # unhashable or odd types
        ok = False
    if ok and not (isinstance(value, bool) and not any(isinstance(o, bool) for o in options)):
        return value
    listed = ", ".join(str(o) for o in options)
    message = f"{name} must be {what} {listed}; got {_show(value)}"
    hint = closest(value, options)
    if hint is not None and hint != value:
        message += f"; did you mean {hint!r}?"
    raise InputError(message)


def _real(name: str, value, allowed: str) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be {allowed}, got {value!r} (True/False is not a number)")
    if isinstance(value, str):
        raise InputError(f"{name} must be {allowed}, got the text {value!r} (write the number without quotes)")
    if not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be {allowed}, got {_show(value)}")
    v = float(value)
    if math.isnan(v) or math.isinf(v):
        raise InputError(f"{name} must be {allowed}, got {value!r}")
    return v


def _fmt(x) -> str:
    x = float(x)
    if x == 1 / 3:
        return "1/3"
    return f"{x:g}"


def number(name: str, value, low: float, high: float) -> float:
    """A real number with ``low <= value <= high`` (bools and strings refused)."""
    allowed = f"a number from {_fmt(low)} to {_fmt(high)}"
    v = _real(name, value, allowed)
    if v < low - 1e-12 or v > high + 1e-12:
        raise InputError(f"{name} must be {allowed}, got {value!r}")
    return min(max(v, float(low)), float(high))


def unit(name: str, value) -> float:
    """A number in the unit interval 0..1."""
    return number(name, value, 0.0, 1.0)


def integer(name: str, value, low: int, high: int) -> int:
    """A whole number with ``low <= value <= high``; ``2.0`` is accepted as 2, ``2.5`` is refused."""
    allowed = f"a whole number from {low} to {high}"
    v = _real(name, value, allowed)
    if not float(v).is_integer():
        raise InputError(f"{name} must be {allowed}, got {value!r} (not a whole number)")
    if v < low or v > high:
        raise InputError(f"{name} must be {allowed}, got {value!r}")
    return int(v)


def year(name: str, value, low: int = YEAR_MIN, high: int = YEAR_MAX) -> int:
    """A calendar or fiscal year as a whole number (``True`` is not year 1; ``'abc'`` is not a year)."""
    return integer(name, value, low, high)


def boolean(name: str, value) -> bool:
    """``True`` or ``False`` only (not 0/1, not ``'yes'``)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputError(f"{name} must be True or False, got {_show(value)}")


def known_keys(name: str, mapping: Mapping, allowed: Iterable) -> dict:
    """Check that every key of ``mapping`` is allowed (closest match named); return it as a dict."""
    if not isinstance(mapping, Mapping):
        raise InputError(f"{name} must be a dictionary, got {_show(mapping)}")
    options = list(allowed)
    for key in mapping:
        choice(f"each key of {name}", key, options)
    return dict(mapping)
