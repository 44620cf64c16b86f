"""Bulk propagation: both backends against python-sgp4's per-satellite reference."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from orbitdc.environment.catalog import read_catalog
from orbitdc.errors import InputError
from orbitdc.propagation import (
    GpeSet,
    Propagator,
    heyoka_available,
    propagate,
    resolve_backend,
)
from orbitdc.propagation import backends as backends_mod
from orbitdc.time import jd_parts, times_to_offsets

needs_heyoka = pytest.mark.skipif(not heyoka_available(), reason="heyoka not installed")

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
EPOCH_DAYS = 2460676.5 - 2433281.5


def _sat(satnum: int, revs_per_day: float, ecc: float, inc_deg: float, bstar: float = 1e-5,
         epoch_days: float = EPOCH_DAYS) -> Satrec:
    s = Satrec()
    rng = np.random.default_rng(satnum)
    s.sgp4init(WGS72, "i", satnum, epoch_days, bstar, 0.0, 0.0, ecc, rng.uniform(0, 2 * math.pi),
               math.radians(inc_deg), rng.uniform(0, 2 * math.pi),
               revs_per_day * 2 * math.pi / 1440.0, rng.uniform(0, 2 * math.pi))
    return s


def _mixed_population() -> list[Satrec]:
    """LEO near-circular and eccentric objects, one that decays (high drag), one that is not
    valid (perigee below the surface), and two deep-space objects (12 h and 24 h periods)."""
    rng = np.random.default_rng(7)
    sats = [_sat(k, rng.uniform(13.0, 15.8), rng.uniform(0.0, 0.08), rng.uniform(0, 180))
            for k in range(1, 60)]
    sats.append(_sat(90, 16.3, 0.001, 51.6, bstar=5e-2))  # decays within hours
    sats.append(_sat(91, 15.0, 0.2, 70.0))  # perigee inside the Earth: error 6
    sats.append(_sat(92, 2.0, 0.7, 63.4))  # Molniya-like, deep space
    sats.append(_sat(93, 1.0027, 0.0002, 0.1))  # geostationary, deep space
    return sats


def _reference(sats: list[Satrec], jd: float, frac: float, t_s: np.ndarray):
    """python-sgp4 one satellite at a time (its own reference implementation)."""
    pos = np.empty((t_s.size, 3, len(sats)))
    vel = np.empty((t_s.size, 3, len(sats)))
    err = np.empty((t_s.size, len(sats)), int)
    for n, s in enumerate(sats):
        e, r, v = s.sgp4_array(np.full(t_s.size, jd), frac + t_s / 86400.0)
        pos[:, :, n] = r
        vel[:, :, n] = v
        err[:, n] = e
    return pos, vel, err


@pytest.mark.parametrize("backend", ["sgp4", pytest.param("heyoka", marks=needs_heyoka)])
def test_backend_matches_per_satellite_reference(backend: str) -> None:
    sats = _mixed_population()
    jd, frac = jd_parts(EPOCH)
    t_s = np.arange(0.0, 86400.0, 600.0)
    pos_ref, vel_ref, err_ref = _reference(sats, jd, frac, t_s)
    with Propagator(GpeSet.from_satrecs(sats), jd, frac, backend) as prop:
        out = prop.states(t_s)
    err = out[:, 6, :].astype(int)
    assert np.array_equal(err != 0, err_ref != 0)  # same objects fail at the same times
    assert (err_ref != 0).any() and (err_ref == 0).any()
    ok = err_ref == 0
    dpos = np.abs(out[:, 0:3, :] - pos_ref).max(axis=1)[ok]
    dvel = np.abs(out[:, 3:6, :] - vel_ref).max(axis=1)[ok]
    assert dpos.max() < 1e-6
    assert dvel.max() < 1e-9


@needs_heyoka
def test_backends_agree_on_the_historical_catalog(repo) -> None:
    cat = read_catalog(repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle")
    times = [datetime(2009, 2, 10, tzinfo=UTC) + timedelta(minutes=m) for m in range(0, 1440, 7)]
    a = propagate(cat.satrecs, times, backend="heyoka")
    b = propagate(cat.satrecs, times, backend="sgp4")
    assert a.backend == "heyoka" and b.backend == "sgp4"
    assert np.array_equal(a.error, b.error)
    assert np.abs(a.position_km - b.position_km).max() < 1e-6
    assert np.abs(a.velocity_km_s - b.velocity_km_s).max() < 1e-9


def test_gpe_table_rebuilds_bit_identical_satrecs(repo) -> None:
    cat = read_catalog(repo / "tests" / "data" / "iridium33_cosmos2251_2009.tle")
    sats = cat.satrecs + _mixed_population()
    rebuilt = GpeSet.from_satrecs(sats).satrecs()
    jd = np.full(50, sats[0].jdsatepoch)
    fr = np.linspace(0.0, 3.0, 50)
    for a, b in zip(sats, rebuilt, strict=True):
        ea, ra, va = a.sgp4_array(jd, fr)
        eb, rb, vb = b.sgp4_array(jd, fr)
        assert np.array_equal(ea, eb)
        assert np.array_equal(np.nan_to_num(ra), np.nan_to_num(rb))
        assert np.array_equal(np.nan_to_num(va), np.nan_to_num(vb))


def test_deep_space_flag_matches_sgp4_method() -> None:
    sats = _mixed_population()
    flags = GpeSet.from_satrecs(sats).is_deep_space()
    assert np.array_equal(flags, [s.method == "d" for s in sats])
    assert flags.sum() == 2


def test_chunked_iteration_equals_one_call() -> None:
    sats = _mixed_population()[:40]
    jd, frac = jd_parts(EPOCH)
    t_s = np.arange(0.0, 7200.0, 60.0)
    with Propagator(GpeSet.from_satrecs(sats), jd, frac, "sgp4") as prop:
        whole = prop.states(t_s)
        # blocks of 3 time samples at most
        parts = list(prop.iter_states(t_s, max_bytes=3 * 7 * 8 * len(sats)))
    assert len(parts) == math.ceil(t_s.size / 3)
    joined = np.concatenate([blk for _, blk in parts])
    assert np.array_equal(np.nan_to_num(joined), np.nan_to_num(whole))


def test_sgp4_backend_over_worker_processes_matches_single_process() -> None:
    sats = _mixed_population()[:58]
    jd, frac = jd_parts(EPOCH)
    t_s = np.arange(0.0, 3600.0, 300.0)
    g = GpeSet.from_satrecs(sats)
    with (Propagator(g, jd, frac, "sgp4") as one,
          Propagator(g, jd, frac, "sgp4", processes=2) as two):
        assert np.array_equal(np.nan_to_num(one.states(t_s)), np.nan_to_num(two.states(t_s)))


def test_auto_backend_falls_back_without_heyoka(monkeypatch) -> None:
    monkeypatch.setattr(backends_mod, "heyoka_available", lambda: False)
    assert resolve_backend("auto") == "sgp4"
    with pytest.raises(InputError, match="heyoka is not installed"):
        resolve_backend("heyoka")


def test_auto_backend_prefers_heyoka_when_installed() -> None:
    assert resolve_backend("auto") == ("heyoka" if heyoka_available() else "sgp4")


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="backend = 'fortran'"):
        resolve_backend("fortran")


def test_time_offsets_keep_microseconds() -> None:
    start = datetime(2009, 2, 10, 16, 55, 59, 796000, tzinfo=UTC)
    jd, frac = jd_parts(start)
    assert jd == 2454872.5
    assert abs(frac * 86400.0 - (16 * 3600 + 55 * 60 + 59.796)) < 1e-9
    as_dt64 = np.array(["2009-02-10T16:55:59.796", "2009-02-10T17:00:00"], dtype="datetime64[us]")
    jd2, frac2, t_s = times_to_offsets(as_dt64)
    assert (jd2, frac2) == (jd, frac)
    assert t_s[1] == pytest.approx(240.204, abs=1e-9)
    jd3, frac3, t3 = times_to_offsets([start, start + timedelta(seconds=1.5)])
    assert (jd3, frac3) == (jd, frac) and t3[1] == 1.5


def test_propagate_layout_and_error_flags() -> None:
    sats = _mixed_population()
    times = [EPOCH + timedelta(hours=h) for h in (0, 1, 2)]
    st = propagate(sats, times)
    assert st.position_km.shape == (3, 3, len(sats))
    assert st.velocity_km_s.shape == (3, 3, len(sats))
    assert st.error.shape == (3, len(sats))
    # perigee below the surface: SGP4 flags the times when the object is underground (6)
    assert st.error[0, -3] == 6
    assert not st.error[:, :59].any()
    e, r, _ = sats[5].sgp4_array(np.array([2460676.5]), np.array([1 / 24]))
    assert np.allclose(st.position_km[1, :, 5], r[0], atol=1e-6)
