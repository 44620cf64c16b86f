"""The Pyomo model is the source of truth: HiGHS receives exactly what Pyomo's interface sends.

orbitdc hands the MILP to HiGHS as one numpy-assembled matrix (orbitdc.deploy.handover). Here
the Pyomo model (orbitdc.deploy.formulation) is compiled by Pyomo's own persistent HiGHS
interface and both HiGHS models are compared entry by entry: same columns in the same order,
same rows, bounds, costs, integrality and coefficients, for several inputs and for the values
each kind of method sets. Solutions map back onto the Pyomo model and satisfy its constraints.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.common.factory import SolverFactory
from scipy import sparse

from deploy_cases import tiny_inputs
from orbitdc.deploy import FAMILIES, DeploymentModel, Limits, SolverOptions, formulation
from orbitdc.deploy.families import REGISTRY
from orbitdc.deploy.handover import ROW_BLOCKS
from orbitdc.deploy.solve import ObjectiveSpec, quiet
from orbitdc.deploy.types import Weights
from test_deploy_model import _medium

EXACT = SolverOptions(mip_rel_gap=1e-9, threads=1, seed=3)
DOC = Path(__file__).resolve().parents[1] / "design" / "deployment_model.md"

METHODS = {
    "ratio": (Weights(compute=1.0, risk=0.37), Limits(), None),
    "augmecon": (Weights(compute=1.0, risk=1e-3, cost=2e-3),
                 Limits(risk_cap=0.02, cost_cap_usd=2.5e8, compute_min_pflop_years=5.0), None),
    "min cost": (Weights(cost=1.0), Limits(compute_target_pflops=40.0, target_year=2031), None),
    "diagnose": (Weights(elastic=1.0), Limits(), {f: 1.0 for f in FAMILIES}),
    "diagnose some": (Weights(elastic=1.0), Limits(), {"capacity": 2.0, "spacing": 1.0}),
}


def _with_limit(inp, rng, bins=3):
    """The inputs with a sustainability limit over ``bins`` altitude bins."""
    from orbitdc.deploy import SustainabilityLimit

    per = {pair: rng.uniform(0.0, 2.0, (bins, len(inp.years))).tolist()
           for pair in inp.coefficients}
    return replace(inp, sustainability=SustainabilityLimit(
        [f"{500 + 50 * b}-{550 + 50 * b}km" for b in range(bins)], per,
        rng.uniform(50.0, 500.0, bins).tolist()))


def _cases():
    yield "tiny", tiny_inputs(np.random.default_rng(5))
    yield "tiny with a sustainability limit", _with_limit(tiny_inputs(np.random.default_rng(5)),
                                                          np.random.default_rng(8))
    yield "tiny without budget or target", tiny_inputs(np.random.default_rng(3), budget=False,
                                                      target=False)
    yield "medium", _medium()
    yield "tiny with slots per class", tiny_inputs(np.random.default_rng(8),
                                                   class_capacities=True)


def _lp(highs) -> dict[str, np.ndarray]:
    """The model HiGHS holds, its matrix column-wise (rows ascending, as HiGHS solves it)."""
    lp = highs.getLp()
    a = lp.a_matrix_
    start, index, value = np.array(a.start_), np.array(a.index_), np.array(a.value_)
    if a.format_ == highspy.MatrixFormat.kRowwise:  # Pyomo adds rows; HiGHS converts at run
        csc = sparse.csr_matrix((value, index, start), shape=(lp.num_row_, lp.num_col_)).tocsc()
        csc.sort_indices()
        start, index, value = csc.indptr, csc.indices, csc.data
    return {"col_cost": np.array(lp.col_cost_), "col_lower": np.array(lp.col_lower_),
            "col_upper": np.array(lp.col_upper_), "row_lower": np.array(lp.row_lower_),
            "row_upper": np.array(lp.row_upper_), "start": start, "index": index,
            "value": value, "integrality": np.array([int(v) for v in lp.integrality_]),
            "sense": np.array(int(lp.sense_)), "offset": np.array(lp.offset_)}


def _solve(model: DeploymentModel, weights: Weights, limits: Limits, elastic):
    spec = ObjectiveSpec("objective", "-", "maximize", 1.0)
    return model.solve(label="check", weights=weights, spec=spec, limits=limits,
                       elastic=elastic)


@pytest.mark.parametrize("case", ["tiny", "tiny without budget or target", "medium",
                                  "tiny with slots per class"])
def test_highs_gets_what_pyomos_interface_would_send(case):
    inp = dict(_cases())[case]
    model = DeploymentModel(inp, EXACT)
    for name, (weights, limits, elastic) in METHODS.items():
        model.prepare(weights, limits, elastic)
        ours = _lp(model.highs)
        pyomo_model = model.pyomo_model(weights, limits, elastic)
        reference = SolverFactory("highs")
        with quiet():
            reference.set_instance(pyomo_model)
        theirs = _lp(reference._solver_model)
        for key, value in theirs.items():
            assert np.array_equal(ours[key], value), f"{case}, {name}: {key} differs"


def test_update_hands_over_the_model_a_fresh_build_would():
    base = tiny_inputs(np.random.default_rng(5))
    new = replace(base, launch_cost_usd_per_flight=base.launch_cost_usd_per_flight * 1.7,
                  budget_usd_per_year=None)
    model = DeploymentModel(base, EXACT)
    _solve(model, *METHODS["diagnose"])
    assert model.update(new) is False
    fresh = DeploymentModel(new, EXACT)
    for weights, limits, elastic in METHODS.values():
        model.prepare(weights, limits, elastic)
        fresh.prepare(weights, limits, elastic)
        a, b = _lp(model.highs), _lp(fresh.highs)
        assert all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("method", ["augmecon", "diagnose"])
def test_solutions_map_back_onto_the_pyomo_model(method):
    weights, limits, elastic = METHODS[method]
    model = DeploymentModel(tiny_inputs(np.random.default_rng(5)), EXACT)
    sol = _solve(model, weights, limits, elastic)
    assert sol.plan is not None and sol.columns is not None
    m = model.pyomo_model()
    model.load_solution(sol, m)
    for con in m.component_data_objects(pyo.Constraint, active=True):
        body = pyo.value(con.body)
        lower, upper = pyo.value(con.lower), pyo.value(con.upper)
        assert lower is None or body >= lower - 1e-6, con.name
        assert upper is None or body <= upper + 1e-6, con.name
    assert pyo.value(m.objective) == pytest.approx(sol.record.incumbent, rel=1e-9, abs=1e-12)
    launches = np.array([[[m.launches[s, c, y].value for y in m.Y] for c in m.C] for s in m.S])
    assert np.array_equal(np.rint(launches), sol.plan.launches)


def test_lp_files_are_labelled(tmp_path):
    inp = tiny_inputs(np.random.default_rng(5))
    model = DeploymentModel(inp, EXACT)
    text = model.write_lp(tmp_path / "deploy.lp").read_text()
    shell, cls, year = inp.shells[0].key, inp.classes[0].name, inp.years[-1]
    assert f"launches({shell}_{cls}_{year})" in text
    assert f"c_u_cadence({year})_" in text
    assert "chords(" in text and "slack_capacity(" in text


def test_every_registered_family_has_rows_a_slack_and_a_check():
    m = DeploymentModel(tiny_inputs(np.random.default_rng(5)), EXACT).pyomo_model()
    for fam in REGISTRY:
        assert isinstance(getattr(m, fam.name), pyo.Constraint)
        assert isinstance(getattr(m, f"slack_{fam.name}"), pyo.Var)
        assert fam.name in ROW_BLOCKS and callable(fam.shortfall)
        assert fam.scale is None or fam.scale in formulation.PARAM_INDEX
    assert tuple(f.name for f in REGISTRY) == FAMILIES == tuple(m.F)


def test_the_document_and_the_docstring_name_every_component():
    m = DeploymentModel(tiny_inputs(np.random.default_rng(5)), EXACT).pyomo_model()
    doc = DOC.read_text(encoding="utf-8")
    names = [c.local_name for ctype in (pyo.Set, pyo.Param, pyo.Var, pyo.Constraint)
             for c in m.component_objects(ctype, descend_into=False)]
    for name in names:
        if name.startswith("slack_") or "_index" in name:
            continue  # slack_<family>, and Pyomo's own implicit index sets
        pattern = rf"`{re.escape(name)}[`\[(]"
        assert re.search(pattern, doc), f"design/deployment_model.md does not name {name}"
        assert re.search(pattern, formulation.__doc__ or ""), f"docstring lacks {name}"
