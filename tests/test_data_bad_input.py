"""Bad data is rejected with a clear message naming the file, the line and the column.

Each test copies the real data/ folder, breaks one thing, and checks that casekit.data.load
refuses it with a DataError (a ValueError) whose message points at the exact place.
"""

import shutil
from pathlib import Path

import pytest

from casekit import data

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def broken(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    return copy


def _edit_line(path: Path, line_no: int, edit) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[line_no - 1] = edit(lines[line_no - 1])
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[line_no - 1]


def _set_cell(path: Path, line_no: int, column: str, value: str) -> None:
    import csv
    import io

    text = path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    rows[line_no - 1][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _first_line_with(path: Path, column: str, predicate) -> int:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            if predicate(row[column]):
                return i
    raise AssertionError(f"no row in {path.name} matches")


def _assert_points_at(exc, file, line, column):
    msg = str(exc.value)
    assert file in msg, msg
    assert f"line {line}" in msg, msg
    assert f"column '{column}'" in msg, msg


def test_the_shipped_data_is_valid():
    counts = data.validate_all()
    assert set(counts) == set(data.TABLES)
    assert all(n > 0 for n in counts.values())


def test_wrong_type(broken):
    _set_cell(broken / "assistance.csv", 5, "fiscal_year", "FY20x1")
    with pytest.raises(data.DataError) as exc:
        data.load("assistance", broken)
    _assert_points_at(exc, "assistance.csv", 5, "fiscal_year")


def test_negative_amount(broken):
    path = broken / "assistance.csv"
    line = _first_line_with(path, "amount_usd_millions", lambda v: v not in ("",))
    _set_cell(path, line, "amount_usd_millions", "-5")
    with pytest.raises(data.DataError) as exc:
        data.load("assistance", broken)
    _assert_points_at(exc, "assistance.csv", line, "amount_usd_millions")


def test_unknown_country(broken):
    _set_cell(broken / "assistance.csv", 7, "country", "Atlantis")
    with pytest.raises(data.DataError) as exc:
        data.load("assistance", broken)
    _assert_points_at(exc, "assistance.csv", 7, "country")


def test_missing_source(broken):
    _set_cell(broken / "assistance.csv", 9, "source_id", "NO-SUCH-SOURCE")
    with pytest.raises(data.DataError) as exc:
        data.load("assistance", broken)
    _assert_points_at(exc, "assistance.csv", 9, "source_id")
    assert "not in sources.csv" in str(exc.value)


def test_duplicate_key(broken):
    path = broken / "assistance.csv"
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    lines.append(lines[3])  # line 4 again, as the last line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(data.DataError) as exc:
        data.load("assistance", broken)
    msg = str(exc.value)
    assert "assistance.csv" in msg and f"line {len(lines)}" in msg
    assert "column '" in msg and "primary key" in msg.lower(), msg


def test_impossible_date(broken):
    path = broken / "events.csv"
    line = _first_line_with(path, "date_precision", lambda v: v == "day")
    _set_cell(path, line, "date", "2013-02-30")
    with pytest.raises(data.DataError) as exc:
        data.load("events", broken)
    _assert_points_at(exc, "events.csv", line, "date")


def test_truncated_file(broken):
    path = broken / "events.csv"
    raw = path.read_bytes()
    cut = raw[: len(raw) // 2]
    cut = cut[: cut.rfind(b",") + 1] + b"Eg"  # stop part-way through a row
    path.write_bytes(cut)
    last_line = cut.count(b"\n") + 1
    with pytest.raises(data.DataError) as exc:
        data.load("events", broken)
    msg = str(exc.value)
    assert "events.csv" in msg and f"line {last_line}" in msg and "column '" in msg and "truncated" in msg, msg


def test_errors_are_value_errors_not_pandas_tracebacks(broken):
    (broken / "context.csv").write_text("not,a,table\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError) as exc:
        data.load("context", broken)
    assert isinstance(exc.value, data.DataError)
    assert "context.csv" in str(exc.value)


def test_unknown_table_name_is_explained():
    with pytest.raises(data.DataError, match="no table named 'aid'"):
        data.load("aid")


def test_nothing_is_silently_dropped():
    import csv

    for name in data.TABLES:
        with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            n_rows = sum(1 for _ in csv.DictReader(fh))
        assert len(data.load(name)) == n_rows, name
