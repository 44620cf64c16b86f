"""A study's models_dir reaches every stage: a modified copy of one catalog changes its result.

Each case edits one number (or column) of a copy of models/, builds the tiny study's deployment
coefficients from that copy, and checks the quantity that number drives moved the expected way
(the review found the decay, disposal and station-keeping chain reading the default folder).
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from orbitdc.api import load_study

REPO = Path(__file__).resolve().parents[1]


def _scale_row(path: Path, technology: str, parameter: str, factor: float) -> None:
    """Multiply one catalog number in place."""
    lines = path.read_text().splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith(f"{technology},{parameter},"):
            row = next(csv.reader([line]))
            row[2] = repr(float(row[2]) * factor)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(row)
            line = buf.getvalue()
        out.append(line)
    assert out != lines, f"{path.name}: no row {technology}.{parameter}"
    path.write_text("".join(out))


def _scale_columns(path: Path, factor: float, skip: str = "altitude_km") -> None:
    """Multiply every numeric column of a profile table but its altitude."""
    lines = path.read_text().splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith(skip))
    names = lines[header].split(",")
    rows = [lines[header]]
    for ln in lines[header + 1:]:
        values = ln.split(",")
        rows.append(",".join(v if n == skip or v == "" else repr(float(v) * factor)
                             for n, v in zip(names, values, strict=True)))
    path.write_text("\n".join(lines[:header] + rows) + "\n")


def _scale_row_columns(path: Path, columns: tuple[str, ...], factor: float) -> None:
    """Multiply named columns of a profile table."""
    lines = path.read_text().splitlines()
    header = next(i for i, ln in enumerate(lines) if not ln.startswith("#"))
    names = lines[header].split(",")
    rows = [lines[header]]
    for ln in lines[header + 1:]:
        values = ln.split(",")
        rows.append(",".join(repr(float(v) * factor) if n in columns else v
                             for n, v in zip(names, values, strict=True)))
    path.write_text("\n".join(lines[:header] + rows) + "\n")


def _coefficient(study_file: Path, pick: Callable[..., float]) -> float:
    study = load_study(study_file)
    return pick(study.coefficients())


def _first(table, attr: str) -> float:
    key = next(iter(table.risks))
    return float(getattr(table.risks[key], attr))


CASES = {
    "debris_density": (lambda d: _scale_columns(d / "debris_density.csv", 2.0),
                       lambda t: _first(t, "tracked_density_per_km3"), 2.0),
    "debris_environment": (
        lambda d: _scale_row(d / "debris_environment.csv", "leo_2024", "objects_1_10cm", 2.0),
        lambda t: _first(t, "density_1_10cm_per_km3"), 2.0),
    "intact_mass": (lambda d: _scale_columns(d / "intact_mass.csv", 3.0),
                    lambda t: _first(t, "fragments_per_tracked_collision"), None),
    "operations": (lambda d: _scale_row(d / "operations.csv", "starlink", "encounter_sigma_km",
                                        0.5),
                   lambda t: _first(t, "maneuvers_per_sat_year"), None),
    "solar_cycle": (lambda d: _scale_row_columns(d / "solar_cycle.csv", ("f107_sfu",
                                                                         "f107a_sfu"), 1.6),
                    lambda t: _first(t, "stationkeeping_dv_m_s_per_year"), None),
    "bus": (lambda d: _scale_row(d / "bus.csv", "default", "thruster_efficiency", 0.5),
            lambda t: next(iter(t.designs.values())).power_propulsion_kw, 2.0),
    "launchers": (lambda d: _scale_row(d / "launchers.csv", "starship", "payload_kg", 0.5),
                  lambda t: t.inputs.shells[0].payload_kg_per_flight, None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_modified_catalog_copy_changes_its_stage(case, tiny_study, tmp_path):
    edit, pick, ratio = CASES[case]
    base_file = tiny_study(name="base")
    base = _coefficient(base_file, pick)
    models = tmp_path / "models"
    shutil.copytree(REPO / "models", models)
    edit(models)
    changed_file = tiny_study(name="changed")
    changed_file.write_text(changed_file.read_text().replace(str(REPO / "models"), str(models)))
    changed = _coefficient(changed_file, pick)
    assert changed != pytest.approx(base, rel=1e-3), f"{case}: the copy was not used"
    if ratio is not None:
        assert changed / base == pytest.approx(ratio, rel=0.05)


def test_keep_out_band_removes_the_shells_of_a_crewed_station(tiny_study):
    # The ISS band 370-460 km with its 5 km margin (NASA-SpaceX agreement 2021); a shell grid
    # from 400 to 600 km loses 400 km.
    path = tiny_study(name="keepout")
    text = path.read_text().replace("altitude_min_km = 500", "altitude_min_km = 400").replace(
        "inclinations = [53]", 'inclinations = [53]\nkeep_out = ["iss"]')
    path.write_text(text)
    table = load_study(path).coefficients()
    assert [s.altitude_km for s in table.inputs.shells] == [500.0, 600.0]
    assert table.excluded_shells == {"400km-53": "iss"}


def test_filed_constellations_raise_the_tracked_background(tiny_study):
    path = tiny_study(name="growth")
    plain = load_study(path).coefficients()
    path.write_text(path.read_text().replace("[deployment]",
                                             '[risk]\nbackground_growth = "filed"\n\n[deployment]'))
    grown = load_study(path).coefficients()
    key = ("600km-53", "S100")  # Guowang's 600 km and Kuiper's 590 km shells fill this bin
    assert (grown.risks[key].tracked_density_per_km3
            > 1.2 * plain.risks[key].tracked_density_per_km3)
