"""One way to read a CSV table of the kit: decode it, check it against its schema, explain any fault.

Every reader of ``data/`` goes through this module (:mod:`casekit.data`, and through it the case
renderer, the coverage matrix, the chart-row rule and the ForeignAssistance.gov importer). A table is
described by a Frictionless Table Schema (``data/schemas/<name>.json``) listed in
``data/datapackage.json``. :func:`validate` runs the checks below in order and stops at the first
stage that finds a problem, so one fault (a renamed column, a cut file) is reported once instead of
cascading into hundreds of row errors. Every problem becomes a :class:`DataError` whose message
names the file, the line (as a text editor counts them, header = line 1) and the column.

Stages
------
1. **Bytes**: the file exists and is a file; a UTF-8 byte-order mark (Excel's "CSV UTF-8") is
   accepted and dropped; a NUL byte, UTF-16, or bytes that are not UTF-8 (a Latin-1 or Windows-1252
   save) are refused with the line and column of the first bad byte.
2. **CSV syntax** (Python's ``csv`` module, strict): a quote opened and never closed (a file cut
   inside a quoted cell), a stray quote, or a cell longer than 128 KB. CRLF line ends are accepted.
3. **Header, as a set**: ``missing: date; unexpected: region`` (with a hint when a name differs
   only in case or spaces), duplicate names. Columns are matched by name, so their order is free.
4. **Row shape and truncation**: every row has as many cells as the header; a last row that stops
   part-way is reported as a cut file. A table with a header and no rows is refused. A file with
   fewer rows than ``datapackage.json`` records for it (``casekit:rows``, written by
   ``python -m casekit.tables stamp`` after a deliberate edit) was cut at a line boundary. An intact
   file whose last line simply has no line end loads.
5. **Cells** (Frictionless): types, required values, enums, minimum/maximum, patterns, unique and
   primary keys; and every ``number``/``integer`` cell must be a finite number (no ``inf``,
   ``NaN``, ``1e400``).
6. **Foreign keys**: every declared ``foreignKeys`` entry, including self-references
   (``"resource": ""``, e.g. ``authorities.successor``). The referenced table is validated first,
   so a fault there is reported against that file.
7. **Table rules** passed in by the caller (:mod:`casekit.data` adds calendar dates and the
   assistance-table rules).

Fast start
----------
A successful validation is remembered on disk in ``.casekit-cache/`` (git-ignored), under a key
that is the SHA-256 of everything the result depends on: the table's bytes, its schema and package
entry, the keys of the tables it references, and the source of this module and of
:mod:`casekit.data`. This is the kit's one cache rule: **a cached result is keyed by the content
hash of its inputs**, so an edited file, schema or rule can never be served stale, and nothing
depends on clocks. A kernel that finds the data unchanged reads the files, hashes them and skips
validation entirely, without importing Frictionless (whose import alone costs about a second).
Entries are written atomically (temporary file + rename), so two kernels starting together are safe.
Set ``CASEKIT_CACHE_DIR`` to use another folder, or to an empty string to switch the disk cache off.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import paths

__all__ = [
    "DataError",
    "Table",
    "package",
    "resource",
    "schema",
    "field_names",
    "vocabulary",
    "read_bytes",
    "decode",
    "parse",
    "validate",
    "validate_file",
    "content_key",
    "local_files",
    "stamp",
    "atomic_write",
]

#: Largest cell the CSV parser accepts (Python's default; no kit table comes near it).
FIELD_LIMIT = 131072
#: How many problems a DataError lists after the first line.
SHOWN = 20
#: Package property holding the row count recorded by :func:`stamp`.
ROWS_KEY = "casekit:rows"
#: Package property naming the fields that share one vocabulary (see :func:`vocabulary`).
VOCAB_KEY = "casekit:vocabularies"
#: Folder (under a data folder) for rows an instructor adds with ``make update-data``.
LOCAL = "local"
_BOM = b"\xef\xbb\xbf"
#: The Data Package version the kit's descriptors follow (v2: needed for exclusiveMinimum).
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"


class DataError(ValueError):
    """A data file broke a rule. The message names file, line, column and rule.

    ``file``, ``line`` and ``column`` hold the first problem's location (None where there is none).
    """

    def __init__(self, message: str, file: str | None = None, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.file, self.line, self.column = file, line, column


@dataclass
class Problem:
    """One broken rule at one place."""

    file: str
    line: int | None
    column: str | None
    rule: str

    def __str__(self) -> str:
        loc = self.file
        if self.line is not None:
            loc += f", line {self.line}"
        if self.column is not None:
            loc += f", column '{self.column}'"
        return f"{loc}: {self.rule}"


def fail(problems: list[Problem]) -> None:
    """Raise one DataError for ``problems`` (first on the first line, then up to SHOWN more)."""
    if not problems:
        return
    first = problems[0]
    text = str(first)
    if len(problems) > 1:
        rest = [f"  {p}" for p in problems[1 : SHOWN + 1]]
        if len(problems) > SHOWN + 1:
            rest.append(f"  ... and {len(problems) - SHOWN - 1} more")
        text += f"\n({len(problems) - 1} more problem(s) in {first.file}:)\n" + "\n".join(rest)
    raise DataError(text, first.file, first.line, first.column)


def label(path: Path) -> str:
    """How messages name a file: its folder and name (``data/assistance.csv``, ``local/x.csv``)."""
    path = Path(path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


# --------------------------------------------------------------------------------------------
# the package description


def _data_dir(data_dir) -> Path:
    return Path(data_dir) if data_dir is not None else paths.DATA


def _json(path: Path, what: str) -> dict:
    raw = read_bytes(path, what)
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(f"{label(path)}: not UTF-8 text ({what})", label(path)) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{label(path)}, line {exc.lineno}: not valid JSON ({exc.msg})", label(path), exc.lineno) from None


def package(data_dir=None) -> dict:
    """``datapackage.json`` of ``data_dir`` (default: the kit's data/ folder)."""
    return _json(_data_dir(data_dir) / "datapackage.json", "the kit's data package description")


def resource(name: str, data_dir=None, pkg: dict | None = None) -> dict:
    """The package entry of table ``name``."""
    pkg = package(data_dir) if pkg is None else pkg
    for res in pkg.get("resources", []):
        if res.get("name") == name:
            return res
    known = ", ".join(r.get("name", "?") for r in pkg.get("resources", []))
    raise DataError(f"no table named {name!r} in data/datapackage.json (tables: {known})")


def schema(name: str, data_dir=None, res: dict | None = None) -> dict:
    """The Table Schema of table ``name`` (read from the file the package entry names)."""
    ddir = _data_dir(data_dir)
    res = resource(name, ddir) if res is None else res
    sch = res.get("schema")
    if isinstance(sch, str):
        return _json(ddir / sch, f"the schema of {name}")
    if not isinstance(sch, dict):
        raise DataError(f"data/datapackage.json: table {name!r} has no schema")
    return sch


def field_names(sch: dict) -> list[str]:
    return [f["name"] for f in sch.get("fields", [])]


def vocabulary(vocab: str, data_dir=None) -> tuple[str, ...]:
    """A controlled vocabulary (``"countries"``, ``"program_groups"``), read from the schemas.

    ``datapackage.json`` lists, under ``casekit:vocabularies``, the ``table.field`` pairs that share
    a vocabulary; the first pair's ``enum`` (in its order) is the vocabulary, and every other pair
    must declare the same set (a :class:`DataError` names the schema that differs).
    """
    ddir = _data_dir(data_dir)
    pkg = package(ddir)
    vocabs = pkg.get(VOCAB_KEY, {})
    if vocab not in vocabs:
        raise DataError(f"data/datapackage.json: no vocabulary {vocab!r} (known: {', '.join(vocabs)})")
    values = None
    first = None
    for ref in vocabs[vocab]:
        table, _, fname = ref.partition(".")
        res = resource(table, ddir, pkg)
        sch = schema(table, ddir, res)
        fdesc = next((f for f in sch.get("fields", []) if f["name"] == fname), None)
        enum = (fdesc or {}).get("constraints", {}).get("enum")
        where = res.get("schema") if isinstance(res.get("schema"), str) else f"schema of {table}"
        if not enum:
            raise DataError(f"data/{where}: field {fname!r} has no enum, but {vocab} is read from it")
        if values is None:
            values, first = tuple(enum), ref
        elif set(enum) != set(values):
            missing = sorted(set(values) - set(enum))
            extra = sorted(set(enum) - set(values))
            raise DataError(
                f"data/{where}, field {fname!r}: the {vocab} differ from {first}"
                f" (missing: {', '.join(missing) or '-'}; unexpected: {', '.join(extra) or '-'})"
            )
    return values


# --------------------------------------------------------------------------------------------
# stage 1: bytes


def read_bytes(path, what: str | None = None) -> bytes:
    """The bytes of ``path``, or a DataError saying why they cannot be read."""
    path = Path(path)
    why = f" ({what})" if what else ""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{label(path)}: file not found{why}", label(path)) from None
    except IsADirectoryError:
        raise DataError(f"{label(path)}: is a folder, not a file{why}", label(path)) from None
    except PermissionError:
        raise DataError(f"{label(path)}: cannot be read (permission denied){why}", label(path)) from None
    except OSError as exc:
        raise DataError(f"{label(path)}: cannot be read ({exc.strerror or exc}){why}", label(path)) from None


def _column_at(raw: bytes, offset: int) -> tuple[int, str | None]:
    """(line number, column name) of byte ``offset`` in a CSV file, read leniently."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    head_end = raw.find(b"\n")
    header_text = raw[: head_end if head_end >= 0 else len(raw)].decode("utf-8", "replace").lstrip("\ufeff")
    header = next(csv.reader([header_text.rstrip("\r")]), [])
    cells = next(csv.reader([raw[start:offset].decode("utf-8", "replace") + "x"]), [""])
    index = len(cells) - 1
    column = header[index] if 0 <= index < len(header) else None
    return line, column


def decode(raw: bytes, name: str) -> str:
    """Decode a CSV file's bytes as UTF-8 (with or without a BOM); refuse NUL bytes and other encodings."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{name}: saved as UTF-16; save it as 'CSV UTF-8' instead", name, 1)
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _column_at(raw, nul)
        where = Problem(name, line, column, "contains a NUL byte (a binary or corrupted file?)")
        raise DataError(str(where), name, line, column)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _column_at(raw, exc.start)
        bad = raw[exc.start : exc.start + 1].hex()
        rule = (
            f"byte 0x{bad} is not UTF-8: the file was probably saved as Latin-1 or Windows-1252;"
            " save it as 'CSV UTF-8'"
        )
        raise DataError(str(Problem(name, line, column, rule)), name, line, column) from None


# --------------------------------------------------------------------------------------------
# stage 2: CSV syntax


@dataclass
class Table:
    """A parsed CSV file: header, rows of text cells and the line each row starts on."""

    name: str  # how messages name the file
    header: list[str]
    rows: list[list[str]]
    lines: list[int]  # first physical line of each row (header = 1)
    ends_with_newline: bool = True
    blank_lines: list[int] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [r[i] if i < len(r) else "" for r in self.rows]

    def records(self) -> Iterable[tuple[int, dict]]:
        """(line, {column: text}) for every row."""
        for line, row in zip(self.lines, self.rows):
            yield line, dict(zip(self.header, row))


def parse(text: str, name: str) -> Table:
    """Split CSV text into header and rows (strict quoting); a syntax error names its line."""
    csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, rows, lines, blanks = None, [], [], []
    previous = 0
    try:
        for row in reader:
            start = previous + 1
            previous = reader.line_num
            if header is None:
                header = row
                continue
            if not row or (len(row) == 1 and row[0] == ""):
                blanks.append(start)
                continue
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:
        start = previous + 1
        msg = str(exc)
        column = None
        if header:  # which cell of the broken row: read the rest of the file leniently
            rest = "\n".join(text.splitlines()[start - 1 :])
            try:
                cells = next(csv.reader(io.StringIO(rest, newline="")), [])
            except csv.Error:
                cells = []
            if cells:
                column = header[min(len(cells), len(header)) - 1]
        if "unexpected end of data" in msg:
            rule = "a quoted cell opened on this line is never closed: the file is cut (truncated) or has a stray quote"
        elif "field larger than field limit" in msg:
            rule = f"a cell is longer than {FIELD_LIMIT} characters (a quote left open?)"
        else:
            rule = f"not valid CSV ({msg})"
        raise DataError(str(Problem(name, start, column, rule)), name, start, column) from None
    if header is None or header == [] or header == [""]:
        raise DataError(f"{name}: the file is empty (no header line)", name)
    # blank lines at the very end are harmless; blank lines between rows are reported
    last = lines[-1] if lines else 1
    blanks = [b for b in blanks if b < last]
    return Table(name, header, rows, lines, text.endswith(("\n", "\r")), blanks)


# --------------------------------------------------------------------------------------------
# stages 3-4: header, shape, truncation


def check_header(table: Table, sch: dict) -> list[Problem]:
    """Compare the header with the schema's field names as sets."""
    expected = field_names(sch)
    have = table.header
    problems = []
    dupes = sorted({h for h in have if have.count(h) > 1})
    missing = [f for f in expected if f not in have]
    unexpected = [h for h in have if h not in expected]
    if not (missing or unexpected or dupes):
        return []
    parts = []
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if unexpected:
        parts.append("unexpected: " + ", ".join(repr(u) if u != u.strip() or not u else u for u in unexpected))
    if dupes:
        parts.append("duplicated: " + ", ".join(dupes))
    hints = []
    for u in unexpected:
        for m in missing:
            if u.strip().lower().replace(" ", "_") == m.lower():
                hints.append(f"'{u}' should be '{m}'")
    rule = "the header does not match the schema: " + "; ".join(parts)
    if hints:
        rule += " (names are exact and case-sensitive: " + ", ".join(hints) + ")"
    problems.append(Problem(table.name, 1, None, rule))
    return problems


def check_shape(table: Table, stamped_rows: int | None = None) -> list[Problem]:
    """Every row as wide as the header; not empty; not shorter than the stamped row count."""
    n = len(table.header)
    problems = [Problem(table.name, b, None, "blank line between rows") for b in table.blank_lines]
    for k, (line, row) in enumerate(zip(table.lines, table.rows)):
        if len(row) == n:
            continue
        is_last = k == len(table.rows) - 1
        if len(row) < n:
            rule = f"the row has {len(row)} of {n} cells (stops before this column)"
            if is_last and not table.ends_with_newline:
                rule += " and the file ends there without a line end: the file is cut (truncated)"
            problems.append(Problem(table.name, line, table.header[len(row)], rule))
        else:
            problems.append(Problem(table.name, line, None, f"the row has {len(row)} cells, the header {n}"))
    if problems:
        return problems
    if not table.rows:
        return [Problem(table.name, None, None, "the table has a header but no rows")]
    if stamped_rows is not None and len(table.rows) < stamped_rows:
        last = table.lines[-1]
        column, tail = None, ""
        if not table.ends_with_newline:  # the cut may run through the last row too
            column = table.header[len(table.rows[-1]) - 1]
            tail = f"; its last line has no line end, so its last cell ('{column}') may be cut as well"
        return [
            Problem(
                table.name,
                last,
                column,
                f"the file ends after {len(table.rows)} rows but datapackage.json records {stamped_rows}"
                f" ('{ROWS_KEY}'): the file was cut (truncated) or rows were deleted{tail}. If you removed"
                " rows on purpose, run: python -m casekit.tables stamp",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------
# stage 5: cells


_NONFINITE = re.compile(r"^[+-]?(nan|inf|infinity)$", re.IGNORECASE)


def _finite_problems(table: Table, sch: dict, order: list[int]) -> dict[tuple, Problem]:
    out = {}
    missing = set(sch.get("missingValues", [""]))
    for fdesc, i in zip(sch.get("fields", []), order):
        if fdesc.get("type") not in ("number", "integer"):
            continue
        for line, row in zip(table.lines, table.rows):
            text = row[i]
            if text in missing:
                continue
            try:
                value = float(text)
            except ValueError:
                continue  # not a number at all: the type check reports it
            if not math.isfinite(value) or _NONFINITE.match(text.strip()):
                out[(line, fdesc["name"])] = Problem(
                    table.name, line, fdesc["name"], f"{text!r} is not a finite number"
                )
    return out


def _constraint_rule(fdesc: dict, constraint: str, cell) -> str:
    c = fdesc.get("constraints", {})
    value = repr(cell) if cell not in (None, "") else "an empty cell"
    if constraint == "required":
        return "a value is required here"
    if constraint == "enum":
        return f"{value} is not one of: {', '.join(map(str, c.get('enum', [])))}"
    if constraint == "minimum":
        return f"{value} is below the minimum {c.get('minimum')}"
    if constraint == "maximum":
        return f"{value} is above the maximum {c.get('maximum')}"
    if constraint == "exclusiveMinimum":
        return f"{value} must be greater than {c.get('exclusiveMinimum')}"
    if constraint == "exclusiveMaximum":
        return f"{value} must be less than {c.get('exclusiveMaximum')}"
    if constraint == "pattern":
        return f"{value} does not match the pattern {c.get('pattern')}"
    if constraint in ("minLength", "maxLength"):
        return f"{value} breaks {constraint} {c.get(constraint)}"
    return f"{value} breaks the constraint {constraint!r}"


def check_cells(table: Table, sch: dict) -> list[Problem]:
    """Types, constraints, unique and primary keys (Frictionless), and finite numbers."""
    from frictionless import Resource  # imported here: slow to import, and only needed on a cache miss

    fields = sch.get("fields", [])
    names = field_names(sch)
    order = [table.header.index(n) for n in names]
    found = _finite_problems(table, sch, order)
    descriptor = {k: v for k, v in sch.items() if k != "foreignKeys"}
    # the schema's own $schema (if any) sets the Table Schema version; the resource follows it
    # the kit's schemas are Table Schema v2 (datapackage.json declares it): exclusiveMinimum etc.
    res_desc = {
        "$schema": RESOURCE_PROFILE,
        "name": "table",
        "data": [names] + [[r[i] for i in order] for r in table.rows],
        "schema": descriptor,
    }
    report = Resource.from_descriptor(res_desc).validate(limit_errors=10000)
    by_name = {f["name"]: f for f in fields}
    keys = sch.get("primaryKey", [])
    keys = [keys] if isinstance(keys, str) else list(keys)

    def line_of(row_number):
        if row_number is None:
            return None
        return table.lines[row_number - 2] if row_number >= 2 else 1

    for task in report.tasks:
        for err in task.errors:
            line = line_of(getattr(err, "row_number", None))
            column = getattr(err, "field_name", None) or None
            cell = getattr(err, "cell", None)
            if (line, column) in found:
                continue
            note = err.note or ""
            if err.type == "type-error":
                ftype = by_name.get(column, {}).get("type", "value")
                rule = f"{cell!r} is not a valid {ftype}"
            elif err.type == "constraint-error":
                m = re.search(r'constraint "(\w+)"', note)
                rule = _constraint_rule(by_name.get(column, {}), m.group(1) if m else note, cell)
            elif err.type == "primary-key":
                column = ", ".join(keys)
                earlier = re.search(r"position (\d+)", note)
                where = f" as line {line_of(int(earlier.group(1)))}" if earlier else ""
                rule = f"duplicate primary key: the same ({column}){where}"
                if not earlier:
                    rule = f"a primary-key cell ({column}) is empty"
            elif err.type == "unique-error":
                earlier = re.search(r"position (\d+)", note)
                where = f" (first at line {line_of(int(earlier.group(1)))})" if earlier else ""
                rule = f"{cell!r} must be unique but appears again{where}"
            else:
                rule = f"{err.title.lower()}: {note}"
            found[(line, column, rule)] = Problem(table.name, line, column, rule)
    for err in report.errors:
        found[(None, None, err.note)] = Problem(table.name, None, None, f"{err.title.lower()}: {err.note}")
    return sorted(found.values(), key=lambda p: (p.line or 0, names.index(p.column) if p.column in names else -1))


# --------------------------------------------------------------------------------------------
# stage 6: foreign keys


KeyLookup = Callable[[str, list[str]], "tuple[set[tuple], str]"]


def check_foreign_keys(table: Table, sch: dict, lookup: KeyLookup) -> list[Problem]:
    """Every declared foreign key; ``lookup(resource, fields)`` gives (known keys, where they live)."""
    problems = []
    for fk in sch.get("foreignKeys", []):
        local = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk.get("reference", {})
        ref_fields = ref.get("fields", [])
        ref_fields = ref_fields if isinstance(ref_fields, list) else [ref_fields]
        if ref.get("resource", "") == "":
            known = {tuple(r[table.header.index(f)] for f in ref_fields) for r in table.rows}
            where = table.name.rsplit("/", 1)[-1]
        else:
            known, where = lookup(ref["resource"], ref_fields)
        idx = [table.header.index(f) for f in local]
        for line, row in zip(table.lines, table.rows):
            value = tuple(row[i] for i in idx)
            if all(v == "" for v in value):
                continue
            if value not in known:
                shown = value[0] if len(value) == 1 else value
                what = ref_fields[0] if len(ref_fields) == 1 else "(" + ", ".join(ref_fields) + ")"
                problems.append(Problem(table.name, line, ", ".join(local), f"{what} {shown!r} is not in {where}"))
    return problems


# --------------------------------------------------------------------------------------------
# the whole check, with the content-keyed cache


Rules = Callable[[str, Table], list[Problem]]
_CODE_KEY: str | None = None
_VALID: dict[str, int] = {}  # content key -> row count, for this process


def _code_key() -> str:
    """Hash of the validating code (this module and casekit.data): a rule change invalidates the cache."""
    global _CODE_KEY
    if _CODE_KEY is None:
        here = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for name in ("tables.py", "data.py"):
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(name.encode())
        _CODE_KEY = h.hexdigest()
    return _CODE_KEY


def content_key(*parts) -> str:
    """SHA-256 over ``parts`` (bytes, or anything JSON can write): the kit's one cache-key rule."""
    h = hashlib.sha256(_code_key().encode())
    for p in parts:
        b = p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode()
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


_DIGESTS: dict[str, tuple[tuple, str]] = {}


def file_digest(path) -> str:
    """SHA-256 of a file's bytes, re-read only when its size, inode, mtime or ctime changed.

    For query caches that ask on every widget move (:func:`casekit.data.fingerprint`); the loader
    itself always hashes the bytes it parses.
    """
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return "missing"
    sig = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    hit = _DIGESTS.get(str(path))
    # a file changed in the last two seconds may change again within one clock tick without its stat
    # changing (the "racy" case git knows too): such a file is always re-hashed, never memoised
    recent = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < 2_000_000_000
    if hit is not None and hit[0] == sig and not recent:
        return hit[1]
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"
    if not recent:
        _DIGESTS[str(path)] = (sig, digest)
    return digest


def _cache_dir() -> Path | None:
    env = os.environ.get("CASEKIT_CACHE_DIR")
    if env is None:
        return paths.CACHE
    return Path(env) if env else None


def _cache_hit(key: str) -> int | None:
    if key in _VALID:
        return _VALID[key]
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        entry = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        rows = int(entry["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    _VALID[key] = rows
    return rows


def _cache_store(key: str, name: str, rows: int) -> None:
    _VALID[key] = rows
    folder = _cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{key}.json", json.dumps({"table": name, "rows": rows}).encode())
        _prune(folder)
    except OSError:
        pass  # a read-only install still works, it just validates every time


def _prune(folder: Path, keep: int = 400) -> None:
    entries = list(folder.glob("*.json"))
    if len(entries) <= keep:
        return
    def age(p):
        try:
            return p.stat().st_mtime_ns
        except OSError:
            return 0
    for p in sorted(entries, key=age)[: len(entries) - keep]:
        try:
            p.unlink()
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` so readers see the old file or the new one, never a part."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the mode open() would
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def validate_file(
    path: Path,
    sch: dict,
    *,
    name: str,
    lookup: KeyLookup,
    dependencies: list[str] = (),
    rules: Rules | None = None,
    stamped_rows: int | None = None,
    cache: bool = True,
    raw: bytes | None = None,
) -> tuple[bytes, str, int]:
    """Validate one CSV file against ``sch``; return (its bytes, its content key, its row count).

    ``dependencies`` are the content keys of the tables its foreign keys point to; ``name`` is the
    table name given to ``rules``. Raises :class:`DataError` at the first failing stage.
    """
    path = Path(path)
    raw = read_bytes(path) if raw is None else raw
    key = content_key(name, sch, stamped_rows, list(dependencies), rules is not None, raw)
    if cache:
        rows = _cache_hit(key)
        if rows is not None:
            return raw, key, rows
    shown = label(path)
    if not raw.strip():
        raise DataError(f"{shown}: the file is empty", shown)
    table = parse(decode(raw, shown), shown)
    fail(check_header(table, sch))
    fail(check_shape(table, stamped_rows))
    fail(check_cells(table, sch))
    fail(check_foreign_keys(table, sch, lookup))
    if rules is not None:
        fail(rules(name, table))
    _cache_store(key, name, len(table.rows))
    return raw, key, len(table.rows)


@dataclass
class Checked:
    """A validated table: its bytes, content key, row count, schema and file."""

    name: str
    path: Path
    raw: bytes
    key: str
    rows: int
    schema: dict


def validate(
    name: str, data_dir=None, *, rules: Rules | None = None, cache: bool = True, use_stamp: bool = True, _seen=()
) -> Checked:
    """Validate the package table ``name`` (and, first, every table its foreign keys point to).

    ``use_stamp=False`` ignores the recorded row count (used by :func:`stamp` itself).
    """
    ddir = _data_dir(data_dir)
    pkg = package(ddir)
    res = resource(name, ddir, pkg)
    sch = schema(name, ddir, res)
    path = ddir / res["path"]
    deps: dict[str, Checked] = {}
    for fk in sch.get("foreignKeys", []):
        target = fk.get("reference", {}).get("resource", "")
        if target and target != name and target not in deps:
            if target in _seen:
                raise DataError(f"data/datapackage.json: foreign keys form a cycle through {target!r}")
            try:
                deps[target] = validate(
                    target, ddir, rules=rules, cache=cache, use_stamp=use_stamp, _seen=(*_seen, name)
                )
            except DataError as exc:
                if str(exc).endswith("file not found"):
                    raise DataError(f"{exc} ({label(path)} refers to it)", exc.file) from None
                raise

    def lookup(target: str, fields: list[str]):
        dep = deps[target]
        table = parse(decode(dep.raw, label(dep.path)), label(dep.path))
        return {tuple(r[table.header.index(f)] for f in fields) for r in table.rows}, dep.path.name

    raw, key, rows = validate_file(
        path,
        sch,
        name=name,
        lookup=lookup,
        dependencies=[deps[d].key for d in sorted(deps)],
        rules=rules,
        stamped_rows=res.get(ROWS_KEY) if use_stamp else None,
        cache=cache,
    )
    return Checked(name, path, raw, key, rows, sch)


# --------------------------------------------------------------------------------------------
# local additions and the row stamp


def local_files(name: str, data_dir=None) -> list[Path]:
    """Files in ``<data>/local/`` that add rows to table ``name``: ``<name>.csv`` and ``<name>_*.csv``."""
    folder = _data_dir(data_dir) / LOCAL
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{name}*.csv") if p.stem == name or p.stem.startswith(f"{name}_")]
    return sorted(p for p in found if not p.name.startswith("."))


def stamp(data_dir=None, rules: Rules | None = None) -> dict[str, int]:
    """Validate every table, then record its row count in datapackage.json (``casekit:rows``).

    Run after deliberately adding or deleting rows; a later file with fewer rows is reported as cut.
    ``rules`` defaults to the table rules of :mod:`casekit.data`.
    """
    ddir = _data_dir(data_dir)
    if rules is None:
        from .data import table_rules as rules
    pkg = package(ddir)
    counts = {res["name"]: validate(res["name"], ddir, rules=rules, use_stamp=False).rows for res in pkg["resources"]}
    for res in pkg["resources"]:
        res[ROWS_KEY] = counts[res["name"]]
    atomic_write(ddir / "datapackage.json", (json.dumps(pkg, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return counts


def main(argv=None) -> int:
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["stamp"]:
        try:
            counts = stamp(argv[1] if len(argv) > 1 else None)
        except DataError as exc:
            print(f"error: {exc}")
            return 1
        print("row counts recorded in datapackage.json: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    print("usage: python -m casekit.tables stamp [DATA_DIR]")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
