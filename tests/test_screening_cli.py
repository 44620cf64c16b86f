"""``orbitdc screen`` end to end."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from orbitdc.cli import cli
from orbitdc.screening import CSV_COLUMNS


def test_screen_finds_the_collision_and_writes_csv(repo, tmp_path):
    out = tmp_path / "conj.csv"
    tle = repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle"
    res = CliRunner().invoke(cli, ["screen", str(tle), "--start", "2009-02-10T00:00:00",
                                   "--hours", "24", "--threshold-km", "5", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "16:55:59.79" in res.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == 1
    assert abs(float(rows[0]["miss_km"]) - 0.698) < 0.005
    assert not list(tmp_path.glob(".*.tmp"))  # atomic write left no temporary file


def test_screen_json_for_a_walker_shell():
    res = CliRunner().invoke(cli, ["screen", "walker:700:sso:28/4/3", "--start",
                                   "2025-06-01T00:00:00Z", "--hours", "2", "--threshold-km", "5",
                                   "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["summary"]["n_population"] == 28
    assert abs(data["summary"]["self_separation_km"]["walker:700:sso:28/4/3"] - 4.224) < 0.01
    assert data["summary"]["n_intra"] == data["summary"]["n_conjunctions"] > 0
    assert 0 < len(data["closest"]) <= 10
    assert all(r["kind"] == "intra" and r["miss_km"] < 5 for r in data["closest"])


def test_screen_json_holds_the_summary_and_the_closest_rows_only(tmp_path):
    # The JSON of a large screening must not carry every conjunction (a 100,000-satellite shell
    # gave 504 MB): the summary and the --closest rows, the full list in --out.
    out = tmp_path / "all.csv"
    args = ["screen", "walker:700:sso:28/4/3", "--start", "2025-06-01T00:00:00Z", "--hours",
            "2", "--threshold-km", "5", "--json", "--out", str(out)]
    res = CliRunner().invoke(cli, [*args, "--closest", "3"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    n = data["summary"]["n_conjunctions"]
    assert n > 3 and set(data) == {"summary", "closest", "out"} and data["out"] == str(out)
    misses = [r["miss_km"] for r in data["closest"]]
    assert len(misses) == 3 and misses == sorted(misses)
    everything = list(csv.DictReader(out.open()))
    assert len(everything) == n
    assert misses == sorted(float(r["miss_km"]) for r in everything)[:3]
    none = json.loads(CliRunner().invoke(cli, [*args, "--closest", "0"]).stdout)
    assert none["closest"] == [] and none["summary"]["n_conjunctions"] == n


def test_bad_arguments_exit_2_with_a_clear_message(repo):
    tle = str(repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle")
    cases = [
        (["screen", "walker:550:53:1584/72", "--start", "2025-01-01"], "walker:ALT_KM"),
        (["screen", "missing.tle", "--start", "2025-01-01"], "no such catalog file"),
        (["screen", tle, "--start", "yesterday"], "ISO-8601"),
        (["screen", tle, "--start", "2025-01-01", "--threshold-km", "0"], "threshold-km"),
        (["screen", tle, "--start", "2025-01-01", "--backend", "gpu"], "backend"),
        (["screen", tle, "--start", "2025-01-01", "--dask-scheduler", "nowhere"],
         "dask_scheduler = 'nowhere'"),
        (["screen", tle], "--start"),
    ]
    for args, msg in cases:
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 2, (args, res.output)
        assert msg in res.output, (args, res.output)


def _corrupt(repo, tmp_path, how):
    """The Iridium 33 / Cosmos 2251 file with one record broken as a user's copy might be."""
    from sgp4.exporter import compute_checksum

    text = (repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle").read_text()
    lines = text.splitlines()
    first = next(k for k, ln in enumerate(lines) if ln.startswith("1 24946"))
    l1, l2 = lines[first], lines[first + 1]
    if how == "digit in line 2":  # inclination 86.3994 -> 86.3995, checksum now wrong
        lines[first + 1] = l2.replace("86.3994", "86.3995")
        bad = first + 2
    elif how == "truncated line 1":
        lines[first] = l1[:50]
        bad = first + 1
    elif how == "missing line 2":
        del lines[first + 1]
        bad = first + 1
    elif how == "letter in a numeric field":  # epoch 09040.78... -> 09O40.78..., checksum fixed
        broken = l1.replace("09040.78448243", "09O40.78448243")
        lines[first] = broken[:68] + str(compute_checksum(broken))
        bad = first + 1
    path = tmp_path / "catalog.tle"
    path.write_text("\n".join(lines) + "\n")
    return path, bad


CORRUPTIONS = ["digit in line 2", "truncated line 1", "missing line 2",
               "letter in a numeric field"]


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_a_rejected_record_stops_the_screening_and_is_named(repo, tmp_path, how):
    path, bad = _corrupt(repo, tmp_path, how)
    out = tmp_path / "conj.csv"
    res = CliRunner().invoke(cli, ["screen", str(path), "--start", "2009-02-10T00:00:00",
                                   "--hours", "24", "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert f"error: {path}:{bad}: " in res.output
    assert "1 of 2 record(s) rejected" in res.output and "--skip-bad-records" in res.output
    assert "Traceback" not in res.output and not out.exists()  # nothing screened


@pytest.mark.parametrize("how", CORRUPTIONS)
def test_skip_bad_records_screens_the_rest_and_counts_them(repo, tmp_path, how):
    path, bad = _corrupt(repo, tmp_path, how)
    res = CliRunner().invoke(cli, ["screen", str(path), "--start", "2009-02-10T00:00:00",
                                   "--hours", "1", "--json", "--skip-bad-records"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)["summary"]
    assert summary["skipped_records"] == 1 and summary["n_population"] == 1
    assert "skipped 1 rejected record(s)" in res.stderr and f"{path}:{bad}: " in res.stderr


def test_a_bad_background_record_is_named_too(repo, tmp_path):
    path, bad = _corrupt(repo, tmp_path, "digit in line 2")
    res = CliRunner().invoke(cli, ["screen", "walker:780:86.4:12/3/1", "--against", str(path),
                                   "--start", "2009-02-10T00:00:00", "--hours", "1"])
    assert res.exit_code == 2 and f"{path}:{bad}: checksum mismatch" in res.output


def test_the_library_refuses_bad_records_unless_asked(repo, tmp_path):
    from datetime import UTC, datetime

    import orbitdc
    from orbitdc.environment.catalog import BadRecordsError
    from orbitdc.screening import parse_population_spec

    path, bad = _corrupt(repo, tmp_path, "truncated line 1")
    start = datetime(2009, 2, 10, tzinfo=UTC)
    with pytest.raises(BadRecordsError, match=f"{path}:{bad}: line 1 is 50 characters long"):
        parse_population_spec(str(path), start)
    assert len(parse_population_spec(str(path), start, skip_bad_records=True)) == 1
    with pytest.raises(BadRecordsError):
        orbitdc.read_population(str(path), start)
    objects = orbitdc.read_population(str(path), start, skip_bad_records=True)
    assert len(objects.population) == 1 and len(objects.skipped) == 1
