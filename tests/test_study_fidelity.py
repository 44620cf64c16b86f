"""Sampled/full fidelity: Walker capacity by symmetry, screened maneuver rates."""

from __future__ import annotations

import math

import optuna
import pytest

from orbitdc.collision.probability import pc_isotropic
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation.walker import self_separation_km
from orbitdc.risk.maneuvers import EncounterModel
from orbitdc.spec import read_study
from orbitdc.study.adapters import study_risk_settings
from orbitdc.study.runner import RunOptions, run_study
from orbitdc.study.shell_geometry import (
    EPOCH,
    GeometryCache,
    maneuvers_per_sat_year,
    walker_capacity,
)
from orbitdc.study.storage import default_storage_url

optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_walker_capacity_is_the_largest_pattern_keeping_the_separation(tmp_path):
    cache = GeometryCache(tmp_path / "geometry.json")
    family = InclinationFamily.parse(53)
    required = 150.0
    per_plane, phasing, sep = walker_capacity(550.0, family, 6, 0.5, required, 240, cache)
    assert per_plane >= 1 and sep >= required
    # Independent check with fresh symmetry computations: every denser pattern up to the cap
    # breaks the separation (self-separation is not monotone in S, so all are checked).
    for denser in range(per_plane + 1, 240 // 6 + 1):
        shell = WalkerShell(550.0, family, 6, denser, phasing)
        assert self_separation_km(shell, EPOCH) < required
    # The cache returns the same answer without recomputing.
    again = GeometryCache(tmp_path / "geometry.json")
    assert walker_capacity(550.0, family, 6, 0.5, required, 240, again) == (per_plane, phasing, sep)


def test_screened_maneuver_rate_counts_conjunctions_above_threshold():
    screened = {"misses_km": [0.05, 0.3, 1.2, 4.0], "sat_years": 2.0, "share": 0.5}
    sigma, hbr = 0.2, 0.02
    expected = int((pc_isotropic(screened["misses_km"], sigma, hbr) >= 1e-5).sum()) / (2.0 * 0.5)
    one_sigma = EncounterModel("test", sigma)
    assert maneuvers_per_sat_year(screened, 1e-5, one_sigma, hbr) == expected
    assert maneuvers_per_sat_year({"misses_km": [], "sat_years": 1, "share": 1}, 1e-5,
                                  one_sigma, hbr) == 0.0
    # a mixture of sigmas weighs each miss by the share of encounters whose Pc exceeds it
    mixture = EncounterModel("test", sigma, 1.0)
    sigmas, weights = mixture.components()
    by_hand = sum(w * int((pc_isotropic(screened["misses_km"], s, hbr) >= 1e-5).sum())
                  for s, w in zip(sigmas, weights, strict=True)) / (2.0 * 0.5)
    assert maneuvers_per_sat_year(screened, 1e-5, mixture, hbr) == pytest.approx(by_hand)


def test_sampled_trial_records_geometry(tiny_study, tmp_path):
    path = tiny_study(name="sampled", extra="\n[search.params.planes]\nlow = 4\nhigh = 6\n"
                      "step = 2\n")
    text = path.read_text().replace("[search]\n", '[search]\nfidelity = "sampled"\n').replace(
        'sampler = "bruteforce"', 'sampler = "random"').replace("n_trials = 4", "n_trials = 2")
    path.write_text(text)
    loaded = read_study(path)
    out = tmp_path / "results" / loaded.name
    out.mkdir(parents=True)
    study = run_study(loaded, RunOptions(default_storage_url(out), out, n_trials=2, workers=1))
    required_km = study_risk_settings(loaded).min_separation_km
    for t in study.get_trials():
        geometry = t.user_attrs["geometry"]
        assert geometry["fidelity"] == "sampled"
        for key, capacity in geometry["capacities"].items():
            assert 0 < capacity <= loaded.spec.deployment.max_sats_per_shell
            assert capacity % t.params["planes"] == 0
            assert geometry["separations_km"][key] >= required_km
        assert set(geometry["screening"]) == set(geometry["capacities"])
    assert (out / "cache" / "geometry.json").is_file()
    assert not math.isnan(study.get_trials()[0].values[0])
    with pytest.raises(KeyError):
        study.get_trials()[0].user_attrs["no such attribute"]
