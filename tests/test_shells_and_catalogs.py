"""Walker shells as SGP4 satellites, and catalog files (TLE/3LE/OMM) with bad records."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import sgp4
from sgp4.api import SatrecArray
from sgp4.exporter import export_omm

from orbitdc.environment.catalog import (
    CatalogReadError,
    format_tle,
    parse_tle_text,
    read_catalog,
)
from orbitdc.errors import InputError
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell, julian_date

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SGP4_VER = Path(os.path.dirname(sgp4.__file__)) / "SGP4-VER.TLE"
DATA = Path(__file__).parent / "data"


def test_walker_elements_follow_the_delta_pattern():
    shell = WalkerShell(550.0, InclinationFamily.parse(53), planes=4, sats_per_plane=3, phasing=1)
    raan, arglat = shell.elements_deg(EPOCH)
    assert shell.total == 12
    np.testing.assert_allclose(raan, np.repeat([0, 90, 180, 270], 3))
    # u = 360 s / S + 360 F p / T with F = 1, T = 12: plane 1 is shifted by 30 deg.
    np.testing.assert_allclose(arglat[3:6], [30, 150, 270])


def test_walker_satellites_fly_at_the_shell_altitude():
    shell = WalkerShell(550.0, InclinationFamily.parse(53), planes=6, sats_per_plane=5, phasing=2)
    array = SatrecArray(shell.satrecs(EPOCH))
    t = np.linspace(0.0, 1.0, 300)
    err, r, _ = array.sgp4(np.full_like(t, julian_date(EPOCH)), t)
    assert not err.any()
    radius = np.linalg.norm(r, axis=2)
    assert radius.mean() - 6378.135 == pytest.approx(550.0, abs=0.05)
    # Circular: J2 short-period terms keep the radius within a few km of the mean.
    assert np.ptp(radius) < 25.0


def test_dawn_dusk_shell_faces_the_sun():
    from orbitdc.orbits.eclipse import beta_angle_deg
    from orbitdc.orbits.shells import sun_ecliptic_longitude_deg

    shell = WalkerShell(650.0, InclinationFamily.parse("dawn-dusk"), 1, 1)
    lam = sun_ecliptic_longitude_deg(julian_date(EPOCH))
    beta = beta_angle_deg(shell.inclination_deg, shell.first_node_deg(EPOCH), lam)
    # In early January the Sun is at declination -23 deg; the dawn-dusk plane stays within
    # ~31 deg of facing it.
    assert abs(beta) > 58.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"planes": 0}, "planes"), ({"phasing": 5}, "phasing"),
     ({"altitude_km": 3000}, "altitude_km")],
)
def test_bad_shells_are_rejected(kwargs, field):
    args = {"altitude_km": 550.0, "inclination": InclinationFamily.parse(53), "planes": 4,
            "sats_per_plane": 3, "phasing": 1}
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        WalkerShell(**args)
    assert info.value.field == field


def test_sgp4_verification_file_loads_and_reports_bad_lines():
    # The Vallado et al. (2006) verification set that ships with sgp4 contains three element
    # sets with deliberately wrong checksums (lines 100, 103 and 106 of the file).
    cat = read_catalog(SGP4_VER)
    assert len(cat) == 30
    assert cat.problems == [
        (100, "checksum mismatch (line 1 ends in 4, its checksum is 2)"),
        (103, "checksum mismatch (line 1 ends in 9, its checksum is 6)"),
        (106, "checksum mismatch (line 1 ends in 0, its checksum is 3)"),
    ]


def test_tle_round_trip_and_names():
    cat = read_catalog(DATA / "iridium33_cosmos2251_2009.tle")
    assert cat.names == ["IRIDIUM 33", "COSMOS 2251"] and cat.ids == ["24946", "22675"]
    again = parse_tle_text(format_tle(cat))
    for a, b in zip(cat.satrecs, again.satrecs, strict=True):
        for attr in ("inclo", "nodeo", "ecco", "argpo", "mo", "no_kozai", "bstar", "jdsatepoch"):
            assert getattr(a, attr) == pytest.approx(getattr(b, attr), rel=1e-9, abs=1e-12)


def test_broken_lines_are_reported_and_the_rest_loads():
    good = (DATA / "iridium33_cosmos2251_2009.tle").read_text()
    lines = [ln for ln in good.splitlines() if ln and not ln.startswith("#")]
    text = "\n".join([
        "junk header",
        lines[1],                     # line 1 without line 2
        lines[0], lines[1], lines[2], # good Iridium 33
        lines[5],                     # stray line 2
        lines[3], lines[4][:-1] + "0", lines[5],  # bad checksum on Cosmos line 1
    ])
    cat = parse_tle_text(text, "t.tle")
    assert cat.ids == ["24946"]
    assert [p[1] for p in cat.problems] == [
        "line 1 without a following line 2",
        "line 2 without a preceding line 1",
        "checksum mismatch (line 1 ends in 0, its checksum is 1)",
    ]
    assert [p[0] for p in cat.problems] == [2, 6, 8]


def test_omm_csv_xml_json_round_trip(tmp_path):
    cat = read_catalog(DATA / "iridium33_cosmos2251_2009.tle")
    records = [export_omm(s, n) for s, n in zip(cat.satrecs, cat.names, strict=True)]
    # JSON, as CelesTrak serves it
    (tmp_path / "c.json").write_text(json.dumps(records))
    # CSV
    keys = list(records[0])
    csv_text = ",".join(keys) + "\n" + "\n".join(",".join(str(r[k]) for k in keys)
                                                 for r in records) + "\n"
    (tmp_path / "c.csv").write_text(csv_text)
    for name in ("c.json", "c.csv"):
        other = read_catalog(tmp_path / name)
        assert other.ids == cat.ids
        for a, b in zip(cat.satrecs, other.satrecs, strict=True):
            assert a.no_kozai == pytest.approx(b.no_kozai, rel=1e-8)
            assert a.inclo == pytest.approx(b.inclo, rel=1e-8)
    # A record with a missing field is reported, the other loads.
    broken = dict(records[1])
    del broken["MEAN_MOTION"]
    (tmp_path / "b.json").write_text(json.dumps([records[0], broken]))
    other = read_catalog(tmp_path / "b.json")
    assert len(other) == 1 and other.problems[0][0] == 2


def test_unreadable_catalog_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogReadError, match="no such catalog file"):
        read_catalog(tmp_path / "missing.tle")
    (tmp_path / "empty.tle").write_text("nothing here\n")
    with pytest.raises(CatalogReadError, match="no readable objects"):
        read_catalog(tmp_path / "empty.tle")
