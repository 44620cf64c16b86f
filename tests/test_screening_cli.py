"""``orbitdc screen`` end to end."""

from __future__ import annotations

import csv
import json

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
    assert data["summary"]["n_intra"] == len(data["conjunctions"]) > 0
    assert all(r["kind"] == "intra" and r["miss_km"] < 5 for r in data["conjunctions"])


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
