"""Bad data is rejected with a clear message naming the file, the line and the column.

Each test copies the real data/ folder, breaks one thing the way real files get broken (Excel
exports, a cut download, a wrong encoding, a renamed column ...), and checks that casekit.data
refuses it with a DataError (a ValueError) whose message points at the exact place. The expected
lines and columns are worked out here from the edit the test makes, never taken from the loader.
"""

import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest

from casekit import data, tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch, tmp_path):
    # every test checks for real; the disk cache gets its own tests below
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(tmp_path / "cache"))
    tables._VALID.clear()


@pytest.fixture
def broken(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy, ignore=shutil.ignore_patterns("local"))
    return copy


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows, newline="\n") -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _set_cell(path: Path, line_no: int, column: str, value: str) -> None:
    rows = _rows(path)
    rows[line_no - 1][rows[0].index(column)] = value
    _write_rows(path, rows)


def _first_line_with(path: Path, column: str, predicate) -> int:
    # the shipped tables have no line breaks inside cells (checked below), so record n = line n + 1
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if predicate(row[column]):
                return i
    raise AssertionError(f"no row in {path.name} matches")


def _message(table, data_dir) -> str:
    with pytest.raises(data.DataError) as exc:
        data.load(table, data_dir)
    return str(exc.value)


def _assert_points_at(msg, file, line=None, column=None):
    assert file in msg, msg
    if line is not None:
        assert f"line {line}" in msg, msg
    if column is not None:
        assert f"column '{column}'" in msg, msg


# --------------------------------------------------------------------------------------------
# the shipped data


def test_the_shipped_data_is_valid():
    counts = data.validate_all(cache=False)
    assert set(counts) == set(data.TABLES)
    assert all(n > 0 for n in counts.values())


def test_shipped_cells_hold_no_line_breaks():
    # the tests here count lines as records + 1; a line break inside a cell would break that
    for name in data.TABLES:
        for row in _rows(ROOT / "data" / f"{name}.csv"):
            assert not any("\n" in c or "\r" in c for c in row), name


def test_no_shipped_table_holds_a_non_finite_number():
    # independent of the loader: every cell of a number/integer column, read as text, is a finite float
    offenders = []
    for name in data.TABLES:
        sch = json.loads((ROOT / "data" / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        numeric = [f["name"] for f in sch["fields"] if f["type"] in ("number", "integer")]
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh), start=2):
                for col in numeric:
                    text = row[col].strip()
                    if text and (not math.isfinite(float(text)) or text.lower().lstrip("+-") in ("nan", "inf", "infinity")):
                        offenders.append(f"{name}.csv line {i} {col}={text}")
    assert offenders == []


def test_row_counts_recorded_in_datapackage_are_current():
    pkg = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    stale = {}
    for res in pkg["resources"]:
        with (ROOT / "data" / res["path"]).open(encoding="utf-8", newline="") as fh:
            n = sum(1 for _ in csv.DictReader(fh))
        if res.get("casekit:rows") != n:
            stale[res["name"]] = (res.get("casekit:rows"), n)
    assert stale == {}, f"rows added or removed since the last stamp {stale}: run python -m casekit.tables stamp"


def test_nothing_is_silently_dropped():
    for name in data.TABLES:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            n_rows = sum(1 for _ in csv.DictReader(fh))
        assert len(data.load(name)) == n_rows, name


# --------------------------------------------------------------------------------------------
# cells


def test_wrong_type(broken):
    _set_cell(broken / "assistance.csv", 5, "fiscal_year", "FY20x1")
    _assert_points_at(_message("assistance", broken), "assistance.csv", 5, "fiscal_year")


def test_negative_amount(broken):
    path = broken / "assistance.csv"
    line = _first_line_with(path, "amount_usd_millions", lambda v: v != "")
    _set_cell(path, line, "amount_usd_millions", "-5")
    _assert_points_at(_message("assistance", broken), "assistance.csv", line, "amount_usd_millions")


def test_unknown_country(broken):
    _set_cell(broken / "assistance.csv", 7, "country", "Atlantis")
    msg = _message("assistance", broken)
    _assert_points_at(msg, "assistance.csv", 7, "country")
    assert "Egypt" in msg  # the allowed values are listed


@pytest.mark.parametrize(
    "table, column, value",
    [
        ("assistance", "amount_usd_millions", "inf"),
        ("assistance", "amount_usd_millions", "NaN"),
        ("assistance", "amount_usd_millions", "1e400"),
        ("context", "value", "Infinity"),
        ("context", "value", "nan"),
        ("context", "value", "-inf"),
        ("case_facts", "value", "inf"),
        ("arms_imports", "tiv_millions", "Infinity"),
        ("deflator", "index_value", "NaN"),
    ],
)
def test_non_finite_numbers_are_refused(broken, table, column, value):
    path = broken / f"{table}.csv"
    line = _first_line_with(path, column, lambda v: v != "")
    _set_cell(path, line, column, value)
    msg = _message(table, broken)
    _assert_points_at(msg, f"{table}.csv", line, column)
    assert "finite" in msg


def test_a_zero_price_index_is_refused(broken):
    # to_constant divides by the index: 0 would turn amounts into infinity
    _set_cell(broken / "deflator.csv", 3, "index_value", "0")
    _assert_points_at(_message("deflator", broken), "deflator.csv", 3, "index_value")


def test_duplicate_key(broken):
    path = broken / "assistance.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.append(lines[3])  # line 4 again, as the last line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = _message("assistance", broken)
    assert "assistance.csv" in msg and f"line {len(lines)}" in msg and "as line 4" in msg
    assert "column '" in msg and "primary key" in msg.lower(), msg


def test_impossible_date(broken):
    path = broken / "events.csv"
    line = _first_line_with(path, "date_precision", lambda v: v == "day")
    _set_cell(path, line, "date", "2013-02-30")
    _assert_points_at(_message("events", broken), "events.csv", line, "date")


# --------------------------------------------------------------------------------------------
# foreign keys


def test_missing_source(broken):
    _set_cell(broken / "assistance.csv", 9, "source_id", "NO-SUCH-SOURCE")
    msg = _message("assistance", broken)
    _assert_points_at(msg, "assistance.csv", 9, "source_id")
    assert "not in sources.csv" in msg


def test_missing_source_of_a_case_fact(broken):
    _set_cell(broken / "case_facts.csv", 3, "source_id", "NOT-A-SOURCE")
    _assert_points_at(_message("case_facts", broken), "case_facts.csv", 3, "source_id")


def test_self_referencing_key_is_enforced(broken):
    # authorities.successor must name another authority_id of the same table
    path = broken / "authorities.csv"
    line = _first_line_with(path, "successor", lambda v: v != "")
    _set_cell(path, line, "successor", "no-such-authority")
    msg = _message("authorities", broken)
    _assert_points_at(msg, "authorities.csv", line, "successor")
    assert "no-such-authority" in msg


def test_a_data_folder_without_sources_names_the_missing_file(broken):
    (broken / "sources.csv").unlink()
    msg = _message("assistance", broken)
    assert "sources.csv" in msg and "not found" in msg


# --------------------------------------------------------------------------------------------
# header


def _edit_header(path: Path, edit) -> None:
    rows = _rows(path)
    edit(rows)
    _write_rows(path, rows)


def test_missing_column_is_named_and_stops_there(broken):
    def drop_note(rows):
        i = rows[0].index("note")
        for r in rows:
            del r[i]

    _edit_header(broken / "events.csv", drop_note)
    msg = _message("events", broken)
    _assert_points_at(msg, "events.csv", 1)
    assert "missing: note" in msg
    assert "more problem" not in msg  # no cascade of row errors


def test_renamed_column_reports_missing_and_unexpected(broken):
    _edit_header(broken / "events.csv", lambda rows: rows[0].__setitem__(rows[0].index("date"), "when"))
    msg = _message("events", broken)
    assert "events.csv" in msg and "missing: date" in msg and "unexpected: when" in msg, msg
    assert msg.count("\n") == 0, msg  # one line


def test_extra_column_is_unexpected(broken):
    def add_region(rows):
        rows[0].insert(2, "region")
        for r in rows[1:]:
            r.insert(2, "MENA")

    _edit_header(broken / "assistance.csv", add_region)
    msg = _message("assistance", broken)
    assert "assistance.csv" in msg and "unexpected: region" in msg and "missing" not in msg, msg


def test_title_case_header_gets_a_hint(broken):
    _edit_header(broken / "sources.csv", lambda rows: rows[0].__setitem__(0, "Source_ID"))
    msg = _message("sources", broken)
    assert "sources.csv" in msg and "missing: source_id" in msg and "'Source_ID' should be 'source_id'" in msg, msg


def test_duplicated_column_is_named(broken):
    _edit_header(broken / "deflator.csv", lambda rows: rows[0].__setitem__(rows[0].index("note"), "series"))
    msg = _message("deflator", broken)
    assert "deflator.csv" in msg and "duplicated: series" in msg, msg


def test_columns_in_another_order_load_the_same_table(broken):
    def swap(rows):
        for r in rows:
            r[0], r[1] = r[1], r[0]

    _edit_header(broken / "deflator.csv", swap)
    shipped = data.load("deflator")
    moved = data.load("deflator", broken)
    assert list(moved.columns) == list(shipped.columns)
    assert moved.equals(shipped)


# --------------------------------------------------------------------------------------------
# encodings, line ends, bytes


def test_excel_csv_utf8_with_bom_and_crlf_loads_the_same_table(broken):
    path = broken / "sources.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert data.load("sources", broken).equals(data.load("sources"))
    assert data.load("assistance", broken).equals(data.load("assistance"))  # its foreign keys still resolve


def test_latin1_file_names_line_and_column(broken):
    path = broken / "sources.csv"
    rows = _rows(path)
    line = next(i for i, r in enumerate(rows, start=1) if i > 1 and r[1])
    rows[line - 1][1] = "Aide étrangère " + rows[line - 1][1]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("latin-1", errors="replace"))
    msg = _message("sources", broken)
    _assert_points_at(msg, "sources.csv", line, "title")
    assert "UTF-8" in msg and "Latin-1" in msg


def test_utf16_file_is_refused(broken):
    path = broken / "deflator.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    msg = _message("deflator", broken)
    assert "deflator.csv" in msg and "UTF-16" in msg


def test_nul_byte_names_line_and_column(broken):
    path = broken / "events.csv"
    rows = _rows(path)
    rows[4][rows[0].index("summary")] += "\x00"
    _write_rows(path, rows)
    msg = _message("events", broken)
    _assert_points_at(msg, "events.csv", 5, "summary")
    assert "NUL" in msg


def test_empty_file(broken):
    (broken / "events.csv").write_bytes(b"")
    msg = _message("events", broken)
    assert "events.csv" in msg and "empty" in msg


def test_header_only_table_is_refused(broken):
    path = broken / "context.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    msg = _message("context", broken)
    assert "context.csv" in msg and "no rows" in msg


def test_a_folder_where_a_table_should_be(broken):
    (broken / "deflator.csv").unlink()
    (broken / "deflator.csv").mkdir()
    msg = _message("deflator", broken)
    assert "deflator.csv" in msg and "folder" in msg


def test_huge_cell_names_its_line(broken):
    _set_cell(broken / "events.csv", 6, "note", "x" * 200_000)
    msg = _message("events", broken)
    _assert_points_at(msg, "events.csv", 6)
    assert "longer than" in msg


def test_stray_quote_names_its_line(broken):
    path = broken / "deflator.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = lines[3].replace(",", ',"x"y,', 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    _assert_points_at(_message("deflator", broken), "deflator.csv", 4)


def test_row_with_too_many_cells(broken):
    path = broken / "deflator.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[6] += ",surplus"
    path.write_text("\n".join(lines), encoding="utf-8")
    msg = _message("deflator", broken)
    _assert_points_at(msg, "deflator.csv", 7)
    assert "cells" in msg


def test_blank_line_between_rows(broken):
    path = broken / "deflator.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(5, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    _assert_points_at(_message("deflator", broken), "deflator.csv", 6)


# --------------------------------------------------------------------------------------------
# truncation


def test_truncated_file(broken):
    path = broken / "events.csv"
    raw = path.read_bytes()
    cut = raw[: len(raw) // 2]
    cut = cut[: cut.rfind(b",") + 1] + b"Eg"  # stop part-way through a row
    path.write_bytes(cut)
    last_line = cut.count(b"\n") + 1
    msg = _message("events", broken)
    assert "events.csv" in msg and f"line {last_line}" in msg and "column '" in msg and "truncated" in msg, msg


def test_file_cut_inside_a_quoted_cell(broken):
    path = broken / "sources.csv"
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    line = next(i for i, ln in enumerate(lines, start=1) if i > 1 and b',"' in ln)
    start = sum(len(ln) + 1 for ln in lines[: line - 1])
    cut = raw[: start + lines[line - 1].index(b',"') + 4]  # two characters into a quoted cell
    path.write_bytes(cut)
    msg = _message("sources", broken)
    _assert_points_at(msg, "sources.csv", line)
    assert "truncated" in msg


def test_file_cut_at_a_line_boundary(broken):
    path = broken / "events.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")  # header + 59 whole rows
    msg = _message("events", broken)
    _assert_points_at(msg, "events.csv", 60)
    assert "truncated" in msg and "59 rows" in msg


def test_intact_file_without_final_newline_loads(broken):
    path = broken / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n"), encoding="utf-8")
    assert data.load("events", broken).equals(data.load("events"))


def test_deliberate_deletion_loads_after_stamping(broken):
    path = broken / "deflator.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")  # drop the last two rows
    assert "truncated" in _message("deflator", broken)
    counts = tables.stamp(broken)
    assert counts["deflator"] == len(data.load("deflator")) - 2
    assert len(data.load("deflator", broken)) == counts["deflator"]


# --------------------------------------------------------------------------------------------
# vocabularies, names, error type


def test_vocabularies_come_from_the_schemas_and_must_agree(broken):
    assert tables.vocabulary("countries", broken) == ("Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia")
    assert "FMF" in tables.vocabulary("program_groups", broken)
    path = broken / "schemas" / "events.json"
    sch = json.loads(path.read_text(encoding="utf-8"))
    country = next(f for f in sch["fields"] if f["name"] == "country")
    country["constraints"]["enum"].remove("Lebanon")
    path.write_text(json.dumps(sch), encoding="utf-8")
    with pytest.raises(data.DataError) as exc:
        tables.vocabulary("countries", broken)
    assert "events.json" in str(exc.value) and "Lebanon" in str(exc.value)


def test_errors_are_value_errors_not_pandas_tracebacks(broken):
    (broken / "context.csv").write_text("not,a,table\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        data.load("context", broken)
    assert isinstance(exc.value, data.DataError)
    assert "context.csv" in str(exc.value)


def test_unknown_table_name_is_explained():
    with pytest.raises(data.DataError, match="no table named 'aid'"):
        data.load("aid")


# --------------------------------------------------------------------------------------------
# the validation cache


def test_cache_never_serves_an_edited_file(broken):
    assert data.validate_all(broken)  # valid, and now cached
    _set_cell(broken / "assistance.csv", 5, "fiscal_year", "FY20x1")
    _assert_points_at(_message("assistance", broken), "assistance.csv", 5, "fiscal_year")


def test_cache_entries_are_whole_files_and_a_corrupt_one_is_ignored(broken, tmp_path):
    data.validate_all(broken)
    cache = tmp_path / "cache"
    entries = list(cache.iterdir())
    assert entries and all(p.suffix == ".json" and not p.name.startswith(".") for p in entries)  # no temp files
    for p in entries:
        p.write_text('{"rows": ', encoding="utf-8")  # as if cut
    tables._VALID.clear()
    assert data.validate_all(broken)["deflator"] == len(data.load("deflator"))


def test_a_warm_start_does_not_import_the_validation_stack(broken, tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, CASEKIT_CACHE_DIR=str(tmp_path / "cache"))
    # a private copy of the data, so that nobody's edit between the two runs changes the key
    code = f"import sys, casekit.data as d; d.validate_all({str(broken)!r}); print('frictionless' in sys.modules)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True"  # cold: validated for real
    assert second.stdout.strip() == "False"  # warm: unchanged data, nothing heavy imported
