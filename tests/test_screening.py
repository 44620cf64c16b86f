"""Conjunction screening: the 2009 collision, result API, consistency between paths."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from orbitdc.collision.probability import pc_foster, pc_isotropic
from orbitdc.environment.catalog import read_catalog
from orbitdc.errors import InputError
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation import GpeSet, heyoka_available
from orbitdc.screening import (
    CSV_COLUMNS,
    Population,
    ScreeningResult,
    parse_population_spec,
    parse_walker_spec,
    screen,
)
from orbitdc.screening.bands import RADIUS_BAND_MARGIN_KM, catalog_radius_bands
from orbitdc.screening.narrowphase import interpolation_error_km
from orbitdc.screening.result import CONJUNCTION_DTYPE
from orbitdc.time import jd_parts
from test_screening_bruteforce import brute_force, satrec_through

COLLISION_DAY = datetime(2009, 2, 10, tzinfo=UTC)


@pytest.fixture(scope="module")
def iridium_cosmos(repo):
    return read_catalog(repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle")


@pytest.mark.parametrize("backend", ["sgp4", pytest.param("heyoka", marks=pytest.mark.skipif(
    not heyoka_available(), reason="heyoka not installed"))])
def test_iridium_33_cosmos_2251_collision_is_found(iridium_cosmos, backend):
    """Last public TLEs before the 2009-02-10 collision (file header has the provenance).

    Published SGP4 result with these element sets: TCA 16:55:59.80 UTC, miss 698.72 m
    (Bennett, Sang, Zhang and Smith, AMOS conference: "a re-analysis of the 2009 Iridium-Cosmos
    predicted miss distance using two-line element derived orbits"); an independent
    python-sgp4 check gives 16:55:59.796 UTC, 697.9 m, 11.647 km/s. SOCRATES's historical
    584 m (Kelso, AAS 09-368) came from a run with other inputs, so it is not the reference.
    """
    res = screen(iridium_cosmos, start=COLLISION_DAY, hours=24, threshold_km=5.0,
                 backend=backend)
    assert len(res) == 1
    row = res.to_rows()[0]
    assert {row["id_1"], row["id_2"]} == {"24946", "22675"}
    tca = datetime.fromisoformat(row["tca_utc"].replace("Z", "+00:00"))
    published = datetime(2009, 2, 10, 16, 55, 59, 800000, tzinfo=UTC)
    assert abs((tca - published).total_seconds()) < 0.1
    assert abs(row["miss_km"] - 0.698) < 0.005
    assert abs(row["relative_speed_km_s"] - 11.647) < 0.01
    # Foster's integral for sigma = 200 m, HBR = 20 m
    assert row["pc"] == pytest.approx(float(pc_isotropic(row["miss_km"], 0.2, 0.02)), rel=1e-12)


def test_collision_tca_does_not_depend_on_the_sampling(iridium_cosmos):
    ref = screen(iridium_cosmos, start=COLLISION_DAY, hours=24, threshold_km=5.0, backend="sgp4")
    for step, window in ((20.0, 1.0), (150.0, 24.0), (600.0, 7.0)):
        res = screen(iridium_cosmos, start=COLLISION_DAY, hours=24, threshold_km=5.0,
                     step_s=step, window_hours=window, backend="sgp4")
        assert len(res) == 1
        assert abs(res.conjunctions["tca_s"][0] - ref.conjunctions["tca_s"][0]) < 1e-5
        assert abs(res.conjunctions["miss_km"][0] - ref.conjunctions["miss_km"][0]) < 1e-8


def test_pc_is_fosters_integral_with_isotropic_covariance(iridium_cosmos):
    res = screen(iridium_cosmos, start=COLLISION_DAY, hours=24, threshold_km=5.0,
                 sigma_km=0.5, hbr_m=15.0)
    c = res.conjunctions[0]
    miss_xy = np.array([c["miss_km"], 0.0])
    quad = float(pc_foster(miss_xy, np.eye(2) * 0.25, 0.015, order=64))
    assert c["pc"] == pytest.approx(quad, rel=1e-6)
    small = screen(iridium_cosmos, start=COLLISION_DAY, hours=24, threshold_km=5.0,
                   sigma_km=0.5, hbr_m=15.0, pc_method="small-hbr").conjunctions[0]["pc"]
    assert small == pytest.approx(quad, rel=1e-3)  # HBR << sigma


def _hand_result(kinds, pcs, n_sat=10, hours=24.0):
    conj = np.zeros(len(kinds), dtype=CONJUNCTION_DTYPE)
    conj["kind"] = kinds
    conj["pc"] = pcs
    conj["miss_km"] = np.linspace(1.0, 2.0, len(kinds))
    conj["j"] = np.arange(len(kinds)) % 2
    conj["i"] = 0
    shells = WalkerShell(550, InclinationFamily.parse(53), 2, 5, 1)
    pop = Population.from_shells(shells, COLLISION_DAY)
    bg = Population.from_satrecs([_leo(1), _leo(2)], ["d1", "d2"])
    assert len(pop) == n_sat
    return ScreeningResult(conj, pop, bg, COLLISION_DAY, hours, 5.0, 0.2, 0.02, "foster", 60.0,
                           "sgp4", {"W": 0.5})


def _leo(satnum):
    r = np.array([7000.0, 0.0, 0.0]) * (1 + satnum / 100)
    return satrec_through(r, np.array([0.0, 7.5, 0.3]), 2454872.5, satnum)


def test_aggregates_follow_their_definitions():
    res = _hand_result([0, 0, 1, 1, 1], [1e-3, 1e-7, 2e-5, 1e-5, 1e-9])
    agg = res.aggregates(pc_threshold=1e-5)
    years = 24.0 / (365.25 * 24.0)
    assert agg.n_intra == 2 and agg.n_background == 3
    assert agg.n_maneuvers_intra == 1 and agg.n_maneuvers_background == 2
    # an intra conjunction concerns two satellites; one of them maneuvers
    assert agg.conjunctions_per_sat_year_intra == pytest.approx(2 * 2 / (10 * years))
    assert agg.conjunctions_per_sat_year_background == pytest.approx(3 / (10 * years))
    assert agg.maneuvers_per_sat_year_intra == pytest.approx(1 / (10 * years))
    assert agg.maneuvers_per_sat_year_background == pytest.approx(2 / (10 * years))
    assert agg.min_separation_km == 0.5  # the shell's self-separation is below the misses
    assert agg.window_hours == 24.0 and agg.n_satellites == 10


def test_rows_have_the_csv_columns_and_utc_times():
    res = _hand_result([0, 1], [1e-6, 1e-4])
    res.conjunctions["tca_s"] = [3600.5, 86399.999999]
    rows = res.to_rows()
    assert [list(r) for r in rows] == [list(CSV_COLUMNS)] * 2
    assert rows[0]["tca_utc"] == "2009-02-10T01:00:00.500000Z"
    assert rows[1]["tca_utc"] == "2009-02-10T23:59:59.999999Z"
    assert rows[0]["kind"] == "intra" and rows[1]["kind"] == "background"
    assert rows[0]["id_1"].startswith("W550-53-10/2/1:p0s0")
    assert rows[1]["id_2"] == "d2"


def _small_world():
    """Two Walker shells at one altitude band (they can meet), one whose satellites come within
    5 km of each other, and a few catalog objects constructed to pass close by."""
    start = datetime(2025, 6, 1, tzinfo=UTC)
    tight = WalkerShell(700.0, InclinationFamily.parse("sso"), 4, 7, 3)  # self-sep 4.2 km
    other = WalkerShell(705.0, InclinationFamily.parse(60), 5, 6, 2)
    shells = [tight, other]
    jd, frac = jd_parts(start)
    rng = np.random.default_rng(3)
    objs = []
    sats = tight.satrecs(start)
    for n in range(6):
        m = int(rng.integers(tight.total))
        t = rng.uniform(600, 10000)
        e, r, v = sats[m].sgp4_tsince(t / 60.0)
        r, v = np.array(r), np.array(v)
        v_b = np.cross(r / np.linalg.norm(r), v) * rng.uniform(0.3, 1.0) + v * rng.uniform(-1, 1)
        v_b *= np.linalg.norm(v) / np.linalg.norm(v_b)
        miss = np.cross(v_b - v, r)
        miss *= rng.uniform(0.1, 4.0) / np.linalg.norm(miss)
        objs.append(satrec_through(r + miss, v_b, jd + frac + t / 86400.0, 100 + n))
    return start, shells, objs


def _conj_set(res):
    return sorted(zip(res.conjunctions["i"].tolist(), res.conjunctions["j"].tolist(),
                      res.conjunctions["kind"].tolist(), res.conjunctions["tca_s"].tolist(),
                      res.conjunctions["miss_km"].tolist(), strict=True))


def _same(a, b, tol_t=1e-5, tol_m=1e-8):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert x[:3] == y[:3]
        assert abs(x[3] - y[3]) < tol_t
        assert abs(x[4] - y[4]) < tol_m


def test_symmetric_shell_screening_equals_plain_screening():
    start, shells, objs = _small_world()
    pop = Population.from_shells(shells, start)
    bg = Population.from_satrecs(objs)
    kw = dict(start=start, hours=3.0, threshold_km=5.0, backend="sgp4")
    sym = screen(pop, bg, **kw)
    plain = screen(pop, bg, use_symmetry=False, **kw)
    assert sym.self_separation_km and not plain.self_separation_km
    s = _conj_set(sym)
    _same(s, _conj_set(plain))
    kinds = {k for _, _, k, _, _ in s}
    assert kinds == {0, 1}  # intra-shell (by symmetry) and background conjunctions both occur
    tight_first, tight_last = 0, shells[0].total
    intra_tight = [c for c in s if c[2] == 0 and c[1] < tight_last and c[0] >= tight_first]
    assert len(intra_tight) > 0


def test_intra_shell_conjunctions_match_brute_force():
    start, shells, _ = _small_world()
    tight = shells[0]
    sats = tight.satrecs(start)
    jd, frac = jd_parts(start)
    truth = brute_force(sats, jd, frac, 2.0, 5.0)
    res = screen(Population.from_shells(tight, start), start=start, hours=2.0, threshold_km=5.0)
    got = sorted((int(c["i"]), int(c["j"]), float(c["tca_s"]), float(c["miss_km"]))
                 for c in res.conjunctions)
    want = sorted((c.a, c.b, c.tca_s, c.miss_km) for c in truth)
    assert len(want) > 0 and len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[:2] == w[:2]
        assert abs(g[2] - w[2]) < 1e-3 and abs(g[3] - w[3]) < 1e-6


def test_sub_windows_and_backends_do_not_change_the_result():
    start, shells, objs = _small_world()
    pop = Population.from_shells(shells, start)
    bg = Population.from_satrecs(objs)
    kw = dict(start=start, hours=3.0, threshold_km=5.0)
    ref = _conj_set(screen(pop, bg, window_hours=6.0, backend="sgp4", **kw))
    _same(ref, _conj_set(screen(pop, bg, window_hours=0.25, backend="sgp4", **kw)))
    if heyoka_available():
        _same(ref, _conj_set(screen(pop, bg, window_hours=0.25, backend="heyoka", **kw)))


def test_threaded_sub_windows_equal_the_serial_run():
    # Sub-windows screened on two threads must give the serial result bit for bit, and the
    # progress callback (called from both threads) must count every step exactly once.
    start, shells, objs = _small_world()
    pop = Population.from_shells(shells, start)
    bg = Population.from_satrecs(objs)
    kw = dict(start=start, hours=3.0, threshold_km=5.0, window_hours=0.25)
    serial = screen(pop, bg, threads=1, **kw)
    seen: list[tuple[int, int]] = []
    threaded = screen(pop, bg, threads=2, progress=lambda d, n: seen.append((d, n)), **kw)
    assert len(serial) > 0
    assert np.array_equal(serial.conjunctions, threaded.conjunctions)
    done = [d for d, _ in seen]
    assert done == sorted(done) and done[-1] == seen[-1][1]
    with pytest.raises(InputError, match="threads"):
        screen(pop, bg, threads=0, **kw)

def test_radius_bands_contain_the_sgp4_radius():
    """The global radial filter never drops an object that reaches a given radius: dense
    SGP4 radii (every 20 s over two days) stay inside the bands of eccentric, decaying and
    old element sets."""
    rng = np.random.default_rng(11)
    sats = []
    for k in range(40):
        r = rng.normal(size=3)
        r = r / np.linalg.norm(r) * (6378.135 + rng.uniform(250.0, 1800.0))
        v = np.cross(r, rng.normal(size=3))
        v = v / np.linalg.norm(v) * math.sqrt(398600.8 / np.linalg.norm(r)) * rng.uniform(
            0.97, 1.08)
        epoch = 2460800.5 - rng.uniform(0.0, 10.0)
        sats.append(satrec_through(r, v, epoch, k + 1, bstar=10 ** rng.uniform(-6, -3.5)))
    gpes = GpeSet.from_satrecs(sats)
    jd, frac = 2460800.5, 0.0
    lo, hi, _ = catalog_radius_bands(gpes, jd, frac, 48 * 3600.0, "sgp4")
    t = np.arange(0.0, 48 * 3600.0, 20.0)
    for n, s in enumerate(sats):
        e, r, _ = s.sgp4_array(np.full(t.size, jd), frac + t / 86400.0)
        radius = np.linalg.norm(r[e == 0], axis=1)
        assert radius.min() >= lo[n] and radius.max() <= hi[n]
        if (e == 0).all() and radius.min() > 6500.0:
            # and the margin is not silly for objects that stay in orbit
            assert radius.min() - lo[n] < RADIUS_BAND_MARGIN_KM + 40.0


def _random_orbit_from_perigee(rng, ecc: float, perigee_alt_km: tuple[float, float], satnum: int,
                               bstar: float = 0.0):
    """An orbit of eccentricity ``ecc`` through a random perigee point in a random plane, and
    its perigee radius [km]."""
    rp = 6378.135 + rng.uniform(*perigee_alt_km)
    a = rp / (1 - ecc)
    r = rng.normal(size=3)
    r = r / np.linalg.norm(r) * rp
    v = np.cross(r, rng.normal(size=3))
    v = v / np.linalg.norm(v) * math.sqrt(398600.8 * (2 / rp - 1 / a))  # vis-viva at perigee
    return satrec_through(r, v, 2460800.5, satnum, bstar=bstar), rp

def test_interpolation_error_bound_holds():
    """Cubic Hermite interpolation of SGP4 samples (with SGP4's own velocities) stays within
    the bound used to widen the narrow phase, for circular to eccentric LEO orbits."""
    rng = np.random.default_rng(5)
    for k in range(30):
        ecc = [0.0005, 0.01, 0.05, 0.1][k % 4]
        sat, rp = _random_orbit_from_perigee(rng, ecc, (250, 1200), k + 1)
        for h in (30.0, 60.0, 120.0):
            t = np.arange(-3000.0, 3000.0, h)
            fine = np.linspace(0, 1, 21)[1:-1]
            e, p, w = sat.sgp4_array(np.full(t.size, 2460800.5), t / 86400.0)
            ts = (t[:-1, None] + fine[None, :] * h).ravel()
            e2, truth, _ = sat.sgp4_array(np.full(ts.size, 2460800.5), ts / 86400.0)
            s = np.tile(fine, t.size - 1)[:, None]
            i = np.repeat(np.arange(t.size - 1), fine.size)
            herm = ((1 + 2 * s) * (1 - s) ** 2 * p[i] + s * (1 - s) ** 2 * h * w[i]
                    + s * s * (3 - 2 * s) * p[i + 1] + s * s * (s - 1) * h * w[i + 1])
            err = np.linalg.norm(herm - truth, axis=1).max()
            bound = float(interpolation_error_km(h, rp - 20.0, ecc))
            assert err < bound, (ecc, h, err, bound)


def test_input_errors_are_clear(iridium_cosmos):
    kw = dict(start=COLLISION_DAY, hours=1.0, threshold_km=5.0)
    with pytest.raises(InputError, match="threshold_km = 0"):
        screen(iridium_cosmos, **{**kw, "threshold_km": 0.0})
    with pytest.raises(InputError, match="hours = -1"):
        screen(iridium_cosmos, **{**kw, "hours": -1.0})
    with pytest.raises(InputError, match="step_s = 0.5"):
        screen(iridium_cosmos, step_s=0.5, **kw)
    with pytest.raises(InputError, match="pc_method = 'chan'"):
        screen(iridium_cosmos, pc_method="chan", **kw)
    with pytest.raises(InputError, match="population = 'str'"):
        screen("not a population", **kw)
    with pytest.raises(InputError, match="sigma_km"):
        screen(iridium_cosmos, sigma_km=0.0, **kw)


def test_walker_specifications():
    shell = parse_walker_spec("walker:550:53:1584/72/17")
    assert (shell.altitude_km, shell.total, shell.planes, shell.phasing) == (550, 1584, 72, 17)
    assert parse_walker_spec("walker:600:sso:40/8/1").inclination.is_sun_synchronous
    assert parse_walker_spec("walker:600:dawn-dusk:40/8/1").inclination.ltan_h == 18.0
    for bad, why in (("walker:550:53:1584/72", "walker:ALT_KM"),
                     ("walker:550:53:1585/72/17", "multiple of P"),
                     ("walker:550:53:1584/72/72", "phasing"),
                     ("walker:50:53:1584/72/1", "altitude_km"),
                     ("walker:550:200:1584/72/1", "degrees in")):
        with pytest.raises(InputError, match=why):
            parse_walker_spec(bad)
    pop = parse_population_spec("walker:550:53:10/2/1", COLLISION_DAY + timedelta(hours=1))
    assert len(pop) == 10
    with pytest.raises(InputError, match="existing catalog file"):
        parse_population_spec("nowhere.tle", COLLISION_DAY)


def test_sagitta_bounds_hold():
    """Trajectories and radii stay within the padded chords the broad phase uses, up to the
    longest step allowed (600 s), for circular to eccentric LEO orbits."""
    from orbitdc.screening.broadphase import radius_sagitta_km, sagitta_km

    rng = np.random.default_rng(9)
    for k in range(24):
        ecc = [0.0002, 0.01, 0.05, 0.15][k % 4]
        sat, _ = _random_orbit_from_perigee(rng, ecc, (200, 1500), k + 1, bstar=1e-4)
        for h in (60.0, 300.0, 600.0):
            t = np.arange(-6000.0, 6000.0, h)
            fine = np.linspace(0, 1, 41)
            ts = (t[:, None] + fine[None, :] * h).ravel()
            e, p, _ = sat.sgp4_array(np.full(ts.size, 2460800.5), ts / 86400.0)
            p = p.reshape(t.size, fine.size, 3)
            chord = p[:, :1] + fine[None, :, None] * (p[:, -1:] - p[:, :1])
            dev = np.linalg.norm(p - chord, axis=2).max()
            rr = np.linalg.norm(p, axis=2)
            rchord = rr[:, :1] + fine[None, :] * (rr[:, -1:] - rr[:, :1])
            rdev = np.abs(rr - rchord).max()
            r_min = rr.min() - 1.0
            assert dev <= sagitta_km(h, r_min), (ecc, h, dev)
            assert rdev <= radius_sagitta_km(h, r_min, ecc), (ecc, h, rdev)
