"""The typed trial summary: stored as Optuna user attributes and read back; fleet accounting."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np
import optuna
import pytest

from orbitdc.risk.model import RiskSettings, assess_satellite
from orbitdc.sizing import size_satellite
from orbitdc.spec import read_study
from orbitdc.study.runner import RunOptions, run_study
from orbitdc.study.storage import default_storage_url
from orbitdc.study.summary import (
    SUMMARY_VERSION,
    DesignSummary,
    SummaryFormatError,
    TrialSummary,
    fleet_by_year,
    summary_attrs,
    summary_from_attrs,
)

optuna.logging.set_verbosity(optuna.logging.WARNING)


@pytest.fixture(scope="module")
def tiny_study_trials(tmp_path_factory, tiny_writer):
    tmp = tmp_path_factory.mktemp("summary")
    loaded = read_study(tiny_writer(tmp))
    out = tmp / "results" / loaded.name
    out.mkdir(parents=True)
    return run_study(loaded, RunOptions(default_storage_url(out), out, n_trials=4, workers=1))


def _keys(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield path, k
            yield from _keys(v, f"{path}.{k}")
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v, path)


def test_stored_summary_reads_back_into_the_same_dataclasses(tiny_study_trials):
    complete = [t for t in tiny_study_trials.get_trials()
                if t.state.name == "COMPLETE" and t.user_attrs.get("status") == "ok"]
    assert complete
    for t in complete:
        assert t.user_attrs["summary_version"] == SUMMARY_VERSION
        summary = summary_from_attrs(t.user_attrs)
        assert isinstance(summary, TrialSummary)
        # the attributes are the asdict form: reading back and storing again is the identity
        stored = {k: v for k, v in summary_attrs(summary).items()}
        assert json.loads(json.dumps(stored)) == {k: t.user_attrs[k] for k in stored}
        # snake_case keys everywhere (no "intra-shell", no "max collision probability ...");
        # the only free-form keys are class names and parameter names
        for path, key in _keys(stored):
            if path.endswith(("_by_class", ".choices")):
                continue
            assert re.fullmatch(r"[a-z0-9_]+", key), (path, key)
        assert [f.year for f in summary.fleet] == summary.years
        assert summary.fleet_totals()["compute_pflops"] == pytest.approx(
            summary.compute_pflop_years)
        assert summary.fleet_totals()["satellites_launched"] == summary.satellites_launched
        assert summary.fleet_totals()["flights"] == summary.flights
        # the rationale quotes the share of the risk that grows with N^2 from the breakdown
        b = summary.risk_breakdown
        share = 100 * b.intra_shell / summary.risk
        assert any(f"{share:.0f} % of the risk grows with the square" in r
                   for r in summary.rationale)


def test_older_or_damaged_attributes_raise_a_clear_error(tiny_study_trials):
    t = next(t for t in tiny_study_trials.get_trials() if t.user_attrs.get("status") == "ok")
    with pytest.raises(SummaryFormatError, match="older than the typed trial summary"):
        summary_from_attrs({"status": "ok", "risk_breakdown": {"intra-shell": 1.0}})
    with pytest.raises(SummaryFormatError, match="format 1"):
        summary_from_attrs({**t.user_attrs, "summary_version": 1})
    damaged = {**t.user_attrs, "compliance": {"design_life_years": 5.0}}
    with pytest.raises(SummaryFormatError, match="compliance"):
        summary_from_attrs(damaged)
    wrong = {**t.user_attrs, "years": "2030"}
    with pytest.raises(SummaryFormatError, match="years"):
        summary_from_attrs(wrong)


def _design(technology, altitude_km=550.0):
    sat = size_satellite(100.0, altitude_km, 53.0, technology)
    risk = assess_satellite(sat, RiskSettings.from_catalogs())
    return DesignSummary("550km-53", "S100", sat, risk)


def test_fleet_accounting(technology):
    # One shell, one class, life 2 years, 6 years; 10 launched in year 0 and 4 in year 1.
    d = _design(technology)
    d = dataclasses.replace(d, risk=dataclasses.replace(
        d.risk, failure_probability=0.1, disposal_years=1.4, decay_years=3.2))
    launches = np.zeros((1, 1, 6), dtype=int)
    launches[0, 0, :2] = [10, 4]
    active = np.zeros((1, 1, 6), dtype=int)
    active[0, 0, :4] = [10, 14, 4, 0]
    flights = np.array([[2, 1, 0, 0, 0, 0]])
    rows = fleet_by_year(range(2030, 2036), launches, active, flights, [1.0] * 6, [2], [[d]])
    assert [r.satellites_in_service for r in rows] == [10, 14, 4, 0, 0, 0]
    assert [r.flights for r in rows] == [2, 1, 0, 0, 0, 0]
    r = d.risk
    assert rows[1].avoidance_maneuvers == pytest.approx(14 * r.maneuvers_per_sat_year)
    assert rows[1].breakups == pytest.approx(
        14 * r.catastrophic_collisions_per_sat_year)
    assert rows[1].impacts_1_10cm == pytest.approx(
        14 * (r.disabling_impacts_per_sat_year + r.survivable_impacts_per_sat_year))
    # retirements after the 2-year life: 10 in 2032, 4 in 2033; 10 % stay as derelicts
    assert [x.derelicts for x in rows] == pytest.approx([0, 0, 1.0, 0.4, 0, 0])
    # disposed ones re-enter 1 year later (1.4 yr rounded down), derelicts 3 years later
    assert [x.reentries for x in rows] == pytest.approx([0, 0, 0, 9.0, 3.6, 1.0])
    assert rows[3].reentry_mass_kg == pytest.approx(9.0 * d.satellite.total_mass_kg)
    totals = TrialSummary.fleet_totals(dataclasses.replace(_summary_stub(), fleet=rows))
    assert totals["satellites_in_service"] == 14  # the peak, not the last year
    assert totals["derelicts"] == pytest.approx(1.4)
    assert totals["compute_pflops"] == pytest.approx(6.0)


def test_a_derelict_that_never_decays_never_re_enters(technology):
    d = _design(technology)
    d = dataclasses.replace(d, risk=dataclasses.replace(
        d.risk, failure_probability=1.0, decay_years=math.inf))
    launches = np.array([[[5, 0, 0]]])
    active = np.array([[[5, 0, 0]]])
    rows = fleet_by_year([1, 2, 3], launches, active, np.zeros((1, 3)), [0.0] * 3, [1], [[d]])
    assert [x.derelicts for x in rows] == [0.0, 5.0, 0.0]
    assert sum(x.reentries for x in rows) == 0.0


def _summary_stub() -> TrialSummary:
    from orbitdc.study.summary import Compliance, RiskBreakdown

    return TrialSummary(
        status="ok", study_sha256="", metric="debris_index", compute_pflop_years=0.0, risk=0.0,
        risk_exact=0.0, cost_usd=0.0, ratio_pflop_years_per_risk=0.0, peak_compute_pflops=0.0,
        satellites_launched=0, flights=0, shells_used=[], years=[], shells=[],
        compute_pflops_by_year=[], risk_by_year=[], cost_usd_by_year=[], fleet=[], designs=[],
        risk_breakdown=RiskBreakdown(0.0, 0.0, 0.0),
        compliance=Compliance(0.0, 0.0, True, [], 5.0), margins=[], open_questions=[])
