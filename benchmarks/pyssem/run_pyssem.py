#!/usr/bin/env python3
"""Run one orbitdc benchmark scenario in MIT ARCLab's MOCAT-SSEM (``pyssem``) and write a JSON summary.

Usage (with the pyssem venv's interpreter, see setup.sh):

    python run_pyssem.py SCENARIO.json OUT.json [--workdir DIR] [--quiet]

The scenario file is the neutral orbitdc benchmark format (see scenario.json next to this file):
altitude bins, species (S active, D derelict, N fragment mass bins, B rocket bodies), an explicit
initial population per species per bin, launches ("none" or constant per-year counts per bin) and
a few physics knobs.  This script translates it into pyssem's own configuration, feeds the initial
population to pyssem through the per-object CSV that pyssem's SEP traffic model reads (pyssem
would otherwise try to download a launch file from Google Drive at run time), runs pyssem's own
build and integration, and writes:

    {"years": [...], "altitude_bins_km": [...lower edges...],
     "populations": {"S": [[year][bin]], "D": ..., "N": ..., "B": ...},
     "populations_detail": {pyssem species name: [[year][bin]]},
     "total": [...], "collisions": [cumulative collisions at each year],
     "collisions_detail": {...}, "wall_s": {"build": .., "integrate": .., ...}, ...}

pyssem is not modified.  It resolves its data files relative to the *current directory*
(``pyssem/utils/launch/data/...``), so the run happens inside a scratch work directory.
Two additions around it: numpy/random are seeded from scenario["pyssem"]["seed"] (pyssem samples
the NASA breakup model with unseeded RNGs), and with launches one padding year is run and cut off
(see run()).  "build" = Model + configure_species (breakup sampling, collision pairs, initial
population) + build_model (SymPy assembly + lambdify); "integrate" = solve_ivp.
"""
import argparse
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import time

import numpy as np

RE_KM = 6378.1366  # pyssem's Earth radius (ScenarioProperties.re); used to place objects at bin mid-altitudes
LAUNCH_TAG = "orbitdc"  # pyssem reads pyssem/utils/launch/data/ref_scen_<tag>.csv


# --------------------------------------------------------------------------- scenario -> pyssem config
def _species_by_role(scn):
    roles = {}
    for sp in scn["species"]:
        roles.setdefault(sp["role"], []).append(sp)
    for r in ("active", "derelict", "fragments", "rocket_body"):
        if len(roles.get(r, [])) != 1:
            raise ValueError(f"scenario must define exactly one species with role '{r}'")
    return {r: v[0] for r, v in roles.items()}


def pyssem_species_json(scn):
    """pyssem 'species' list.  D is not declared: pyssem creates the derelict class itself
    (named N_<mass of S>kg, a debris species with the body of S) and feeds it with failed PMD."""
    r = _species_by_role(scn)
    s, n, b = r["active"], r["fragments"], r["rocket_body"]
    active = {
        "sym_name": s["name"], "Cd": s.get("Cd", 2.2), "mass": float(s["mass_kg"]),
        "radius": s["radius_m"], "A": s.get("area_m2", "Calculated based on radius"),
        "active": True, "maneuverable": bool(s.get("maneuverable", True)), "trackable": True,
        "deltat": s["mission_life_years"], "Pm": s["pmd_success"],
        "alpha": s.get("alpha", 1e-5), "alpha_active": s.get("alpha_active", 1e-5),
        "slotted": bool(s.get("slotted", False)),
        "slotting_effectiveness": s.get("slotting_effectiveness", 1.0),
        "drag_effected": bool(s.get("drag", False)), "RBflag": 0,
        "launch_func": "launch_func_null", "pmd_func": "pmd_func_sat", "drag_func": "drag_func_exp",
    }
    bins = n["bins"]
    frags = {
        "sym_name": "N", "Cd": n.get("Cd", 2.2),
        "mass": [float(x["mass_kg"]) for x in bins], "radius": [x["radius_m"] for x in bins],
        "A": [x.get("area_m2", float(np.pi * x["radius_m"] ** 2)) for x in bins],
        "active": False, "maneuverable": False, "trackable": False, "deltat": None,
        "Pm": 0, "alpha": 0, "alpha_active": 0, "RBflag": 0, "slotted": False,
        "slotting_effectiveness": 0, "drag_effected": True,
        "launch_func": "launch_func_null", "pmd_func": "pmd_func_derelict", "drag_func": "drag_func_exp",
    }
    if len(bins) == 1:  # pyssem names a single-mass species by its sym_name
        for k in ("mass", "radius", "A"):
            frags[k] = frags[k][0]
    rb = {
        "sym_name": b["name"], "RBflag": 1, "Cd": b.get("Cd", 2.2), "mass": float(b["mass_kg"]),
        "radius": b["radius_m"], "A": b.get("area_m2", "Calculated based on radius"),
        "active": False, "maneuverable": False, "trackable": True, "slotted": False,
        "slotting_effectiveness": 0, "drag_effected": True, "Pm": 0, "alpha": 0, "alpha_active": 0,
        "deltat": 0, "launch_func": "launch_func_null", "pmd_func": "pmd_func_none",
        "drag_func": "drag_func_exp",
    }
    return [active, frags, rb]


def pyssem_name_map(scn):
    """benchmark bin/species name -> pyssem species name (and class key used in the object CSV)."""
    r = _species_by_role(scn)
    s, n, b = r["active"], r["fragments"], r["rocket_body"]
    m = {s["name"]: s["name"], b["name"]: b["name"], r["derelict"]["name"]: f"N_{float(s['mass_kg'])}kg"}
    if len(n["bins"]) == 1:
        m[n["bins"][0]["name"]] = "N"
    else:
        for x in n["bins"]:
            m[x["name"]] = f"N_{float(x['mass_kg'])}kg"
    return m


def write_object_csv(scn, path, launch_years=None):
    """Write the per-object table pyssem's SEP_traffic_model reads: one row per object with
    sma [km], ecc, mass [kg], our class label 'cls' (mapped to pyssem species_class by the
    SEP_mapping rules) and start/end dates.  Initial objects start the year before start_date;
    launched objects start on 1 July of their launch year (so they are not part of x0)."""
    r = _species_by_role(scn)
    s, n, b, d = r["active"], r["fragments"], r["rocket_body"], r["derelict"]
    lo, hi, nb = scn["altitude_bins"]["min_km"], scn["altitude_bins"]["max_km"], scn["altitude_bins"]["n_bins"]
    w = (hi - lo) / nb
    mids = [lo + w * (k + 0.5) for k in range(nb)]
    y0 = int(scn["start_date"][:4])
    mass = {s["name"]: s["mass_kg"], d["name"]: s["mass_kg"], b["name"]: b["mass_kg"]}
    cls = {s["name"]: "S", d["name"]: "N", b["name"]: "B"}
    for x in n["bins"]:
        mass[x["name"]], cls[x["name"]] = x["mass_kg"], "N"

    rows = []
    def add(name, counts, ys, ms):
        if len(counts) != nb:
            raise ValueError(f"{name}: {len(counts)} bins given, scenario has {nb}")
        for k, c in enumerate(counts):
            if c < 0 or abs(c - round(c)) > 1e-9:
                raise ValueError(f"{name}: counts must be non-negative integers (pyssem bins objects)")
            rows.extend([(cls[name], RE_KM + mids[k], mass[name], ys, ms)] * int(round(c)))

    for name, counts in scn["initial_population"].items():
        if name not in mass:
            raise ValueError(f"initial_population has unknown species/bin '{name}'")
        add(name, counts, y0 - 1, 1)
    launches = scn.get("launches", {"type": "none"})
    if launches["type"] == "constant":
        for name, counts in launches["per_year"].items():
            if name not in (s["name"], b["name"]):
                raise ValueError("constant launches are supported for the active and rocket-body species only")
            for y in range(y0, y0 + int(launch_years or scn["duration_years"])):
                add(name, counts, y, 7)
    elif launches["type"] != "none":
        raise ValueError(f"unknown launches.type {launches['type']!r}")

    with open(path, "w") as f:
        f.write("obj_id,cls,sma,ecc,mass,year_start,month_start,day_start,year_final,month_final,day_final\n")
        for i, (c, sma, m, ys, ms) in enumerate(rows):
            f.write(f"{i},{c},{sma:.6f},0.0,{m},{ys},{ms},1,{y0 + 200},1,1\n")
    return len(rows)


SEP_MAPPING = [
    "T.loc[T['cls'] == 'S', 'species_class'] = 'S'",
    "T.loc[T['cls'] == 'N', 'species_class'] = 'N'",
    "T.loc[T['cls'] == 'B', 'species_class'] = 'B'",
]


# --------------------------------------------------------------------------- run
def run(scn, workdir, quiet=False):
    phys = scn.get("physics", {})
    ps = scn.get("pyssem", {})
    years = int(scn["duration_years"])
    # pyssem's launch StepFunction is 0 for t >= duration and BDF evaluates the RHS at the right end of
    # each step, so the last step(s) before t = duration lose their launches (e.g. -72 of ~3,870 S after
    # 10 yr of constant launches).  With launches we run one padding year (launches continue in it) and
    # report only t <= duration.  Set "pyssem": {"pad_final_year": false} to run pyssem exactly as is.
    launches = scn.get("launches", {"type": "none"})
    baseline = launches["type"] == "none"
    spy = int(ps.get("samples_per_year", 1))
    if not baseline and spy != 1:
        raise ValueError("pyssem's launch step function assumes one output sample per year")
    pad = (not baseline) and bool(ps.get("pad_final_year", True))
    run_years = years + (1 if pad else 0)
    steps = run_years * spy + 1  # scen_times = linspace(0, run_years, steps) -> samples exactly on whole years
    dens = {"static_exponential": "static_exp_dens_func", "jb2008": "JB2008_dens_func"}[
        phys.get("density_model", "static_exponential")]
    y, m, d = (int(v) for v in scn["start_date"].split("-"))

    os.makedirs(os.path.join(workdir, "pyssem", "utils", "launch", "data"), exist_ok=True)
    n_obj = write_object_csv(scn, os.path.join(workdir, "pyssem", "utils", "launch", "data",
                                               f"ref_scen_{LAUNCH_TAG}.csv"), launch_years=run_years)
    cwd = os.getcwd()
    os.chdir(workdir)
    if dens == "JB2008_dens_func" and not os.path.exists(os.path.join("pyssem", "utils", "drag")):
        import pyssem as _p  # time-dependent density reads pyssem/utils/drag/*.json relative to cwd
        os.symlink(os.path.join(os.path.dirname(_p.__file__), "utils", "drag"),
                   os.path.join("pyssem", "utils", "drag"))

    seed = ps.get("seed")
    if seed is not None:  # pyssem samples the NASA SBM fragment cloud with unseeded np.random / random
        np.random.seed(seed)
        random.seed(seed)

    sink = io.StringIO() if quiet else None
    wall, cpu = {}, {}
    load_before = os.getloadavg()
    try:
        with (contextlib.redirect_stdout(sink) if quiet else contextlib.nullcontext()), \
                (contextlib.redirect_stderr(sink) if quiet else contextlib.nullcontext()):  # tqdm bars
            t0, c0 = time.perf_counter(), time.process_time()
            from pyssem.model import Model
            wall["import"], cpu["import"] = time.perf_counter() - t0, time.process_time() - c0

            t0, c0 = time.perf_counter(), time.process_time()
            model = Model(
                start_date=f"{m:02d}/{d:02d}/{y:04d}", simulation_duration=run_years, steps=steps,
                min_altitude=int(scn["altitude_bins"]["min_km"]), max_altitude=int(scn["altitude_bins"]["max_km"]),
                n_shells=int(scn["altitude_bins"]["n_bins"]), launch_function="Constant",
                integrator=phys.get("integrator", "BDF"), density_model=dens,
                LC=float(phys.get("characteristic_length_min_m", 0.1)),
                v_imp=float(phys.get("collision_velocity_km_s", 10.0)),
                fragment_spreading=bool(phys.get("fragment_spreading", True)),
                parallel_processing=bool(ps.get("parallel_processing", False)),
                baseline=baseline, indicator_variables=None, launch_scenario=LAUNCH_TAG,
                SEP_mapping=SEP_MAPPING, elliptical=False)
            model.configure_species(pyssem_species_json(scn))
            wall["configure_species"], cpu["configure_species"] = time.perf_counter() - t0, time.process_time() - c0

            sp = model.scenario_properties
            t0, c0 = time.perf_counter(), time.process_time()
            sp.build_model()            # what Model.run_model() does, split so the two phases are timed
            wall["build_model"], cpu["build_model"] = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            sp.run_model()
            wall["integrate"], cpu["integrate"] = time.perf_counter() - t0, time.process_time() - c0
    finally:
        os.chdir(cwd)
    for d_ in (wall, cpu):
        d_["build"] = d_["configure_species"] + d_["build_model"]
        d_["total"] = d_["import"] + d_["build"] + d_["integrate"]
    # wall_s: elapsed seconds; cpu_s: this process's CPU seconds (robust to other load on the machine,
    # but misses work done in worker processes when parallel_processing is on)
    wall["cpu_s"] = cpu
    wall["loadavg_1min_before_after"] = [load_before[0], os.getloadavg()[0]]
    return model, wall, n_obj, (sink.getvalue() if quiet else "")


def summarise(scn, model, wall, n_obj):
    sp = model.scenario_properties
    out = sp.output
    ns, nb = len(sp.species_names), sp.n_shells
    Y = np.asarray(out.y, dtype=float).reshape(ns, nb, -1)          # [species][bin][time]
    t = np.asarray(out.t, dtype=float)
    idx = {name: i for i, name in enumerate(sp.species_names)}

    # benchmark species -> pyssem species
    nmap = pyssem_name_map(scn)
    r = _species_by_role(scn)
    groups = {r["active"]["name"]: [nmap[r["active"]["name"]]],
              r["derelict"]["name"]: [nmap[r["derelict"]["name"]]],
              r["fragments"]["name"]: [nmap[x["name"]] for x in r["fragments"]["bins"]],
              r["rocket_body"]["name"]: [nmap[r["rocket_body"]["name"]]]}
    unused = set(sp.species_names) - {p for v in groups.values() for p in v}
    if unused:
        raise RuntimeError(f"pyssem species not mapped to a benchmark species: {sorted(unused)}")

    keep = [j for j, tj in enumerate(t)                                   # whole years up to duration
            if abs(tj - round(tj)) < 1e-9 and tj <= scn["duration_years"] + 1e-9]
    yrs = [int(round(t[j])) for j in keep]
    pops = {g: Y[[idx[p] for p in ps_]].sum(axis=0)[:, keep].T.tolist() for g, ps_ in groups.items()}
    detail = {p: Y[idx[p]][:, keep].T.tolist() for p in sp.species_names}
    total = Y.sum(axis=(0, 1))[keep].tolist()

    # Collisions: pyssem's pair rate is |gamma| * phi_k * N1_k * N2_k per shell per year (its own
    # "collision" indicator formula); integrated here with the trapezoid rule on the output grid.
    rate = np.zeros_like(t)
    by_pair, pairs_meta = {}, []
    for pair in sp.collision_pairs:
        phi = np.array([float(v) for v in np.ravel(pair.phi)])
        g = np.array([float(pair.gammas[k, 0]) for k in range(nb)])
        n1, n2 = Y[idx[pair.species1.sym_name]], Y[idx[pair.species2.sym_name]]
        rk = (-g)[:, None] * phi[:, None] * n1 * n2                   # [bin][time]
        rp = rk.sum(axis=0)
        rate += rp
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (rp[1:] + rp[:-1]) * np.diff(t))])
        name = f"{pair.species1.sym_name}-{pair.species2.sym_name}"
        by_pair[name] = float(cum[-1])
        m1, m2 = sorted([pair.species1.mass, pair.species2.mass])
        # fragments per collision (NASA SBM sample made by pyssem for this pair), mid-domain shell
        k = nb // 2
        nf = [float(pair.gammas[k, 2 + i] / -pair.gammas[k, 1]) if pair.gammas[k, 1] != 0 else 0.0
              for i in range(pair.gammas.shape[1] - 2)]
        pairs_meta.append({"pair": name, "gamma": float(g[0]),
                           "catastrophic_at_10km_s": bool(m1 * (10e3) ** 2 / (2 * m2 * 1e3) >= 40),
                           "fragments_per_collision_mid_shell": dict(zip(
                               [s.sym_name for s in pair.source_sinks[2:]], nf))})
    cum_all = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(t))])

    edges = list(np.asarray(sp.R0_km, dtype=float))
    report = {}
    for yr in scn.get("report_years", []):
        if yr in yrs:
            j = yrs.index(yr)
            report[str(yr)] = {g: float(np.sum(pops[g][j])) for g in pops} | {
                "total": total[j], "cumulative_collisions": float(cum_all[keep][j])}
    return {
        "model": "pyssem (MOCAT-SSEM)",
        "pyssem_version": _version(),
        "scenario": scn.get("name"),
        "years": yrs,
        "altitude_bins_km": edges[:-1],
        "altitude_top_km": edges[-1],
        "populations": pops,
        "populations_detail": detail,
        "species_map": groups,
        "total": total,
        "collisions": cum_all[keep].tolist(),
        "collisions_detail": {
            "definition": "cumulative integral of sum over pairs and bins of |gamma|*phi*N1*N2 "
                          "(pyssem's collision-indicator formula; same-species pairs counted phi*N^2)",
            "rate_per_year": rate[keep].tolist(),
            "cumulative_by_pair_at_end": by_pair,
            "pairs": pairs_meta},
        "wall_s": wall,
        "n_objects_in_input_csv": n_obj,
        "pyssem_run_years": float(t[-1]),   # > duration_years when a launch padding year was run
        "integrator": {"method": sp.integrator, "success": bool(out.success), "nfev": int(out.nfev),
                       "message": str(out.message)},
        "report": report,
    }


def _version():
    try:
        from importlib.metadata import version
        return version("pyssem")
    except Exception:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("output")
    ap.add_argument("--workdir", help="scratch directory for pyssem's cwd-relative files (default: a temp dir)")
    ap.add_argument("--quiet", action="store_true", help="hide pyssem's own prints and progress bars")
    a = ap.parse_args(argv)
    with open(a.scenario) as f:
        scn = json.load(f)
    workdir = a.workdir or tempfile.mkdtemp(prefix="pyssem_run_")
    os.makedirs(workdir, exist_ok=True)
    t0 = time.perf_counter()
    model, wall, n_obj, _ = run(scn, os.path.abspath(workdir), quiet=a.quiet)
    res = summarise(scn, model, wall, n_obj)
    res["wall_s"]["end_to_end"] = time.perf_counter() - t0
    with open(a.output, "w") as f:
        json.dump(res, f)
    print(f"\npyssem {res['pyssem_version']}  scenario {res['scenario']}  workdir {workdir}")
    ws = res["wall_s"]
    print("wall [s]: " + "  ".join(f"{k}={v:.1f}" for k, v in ws.items() if isinstance(v, float)))
    print("cpu  [s]: " + "  ".join(f"{k}={v:.1f}" for k, v in ws["cpu_s"].items())
          + f"   (1-min load avg before/after: {ws['loadavg_1min_before_after'][0]:.1f}/{ws['loadavg_1min_before_after'][1]:.1f})")
    names = list(res["populations"])
    print(f"{'year':>5}" + "".join(f"{n:>10}" for n in names) + f"{'total':>10}{'cum.coll':>10}")
    for yr, row in res["report"].items():
        print(f"{yr:>5}" + "".join(f"{row[n]:>10.1f}" for n in names)
              + f"{row['total']:>10.1f}{row['cumulative_collisions']:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
