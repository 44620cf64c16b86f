"""Reports: files, a real headless browser on the HTML, and clear pages for odd studies."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import optuna
import pytest
from click.testing import CliRunner

from orbitdc.cli import cli
from orbitdc.report.build import build_report
from orbitdc.report.records import pareto_set, records_from_study
from orbitdc.spec import read_study
from orbitdc.study.runner import RunOptions, run_study
from orbitdc.study.storage import default_storage_url, open_storage

optuna.logging.set_verbosity(optuna.logging.WARNING)
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _run(path: Path, results: Path, n_trials: int = 4) -> Path:
    loaded = read_study(path)
    out = results / loaded.name
    out.mkdir(parents=True, exist_ok=True)
    run_study(loaded, RunOptions(default_storage_url(out), out, n_trials=n_trials, workers=1))
    return out


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory, tiny_writer):
    tmp = tmp_path_factory.mktemp("report")
    return _run(tiny_writer(tmp), tmp / "results")


def _browser_page(html: Path):
    pw = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (Debian package 'chromium'; .ci/run "
                    "installs it)")
    manager = pw.sync_playwright().start()
    browser = manager.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"])
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: errors.append("network: " + r.url)
            if not r.url.startswith(("file:", "data:", "about:", "blob:")) else None)
    page.goto(html.as_uri())
    page.wait_for_timeout(800)
    return manager, browser, page, errors


def test_report_files_and_pareto_csv(tiny_results):
    files = build_report([tiny_results], pdf=False)
    assert files.html.is_file() and files.html.stat().st_size > 1_000_000  # plotly inlined
    assert {p.suffix for p in files.figures} == {".png", ".svg"}
    study = optuna.load_study(study_name="tiny",
                              storage=open_storage(default_storage_url(tiny_results)))
    front = pareto_set(records_from_study(study, ["compute", "risk", "cost"]),
                       ["compute", "risk", "cost"])
    rows = list(csv.DictReader(files.pareto_csv.open()))
    assert sorted(int(r["trial"]) for r in rows) == sorted(r.number for r in front)
    text = files.review_md.read_text()
    for heading in ("Purpose and requirements", "Chosen configuration", "Margins", "Risks",
                    "Open questions"):
        assert heading in text
    assert f"design {files.design}" in text


def test_importances_and_categorical_slices(tiny_results):
    # fANOVA needs scikit-learn (a dependency): a fresh install must compute importances, one
    # set per objective that varies over the feasible trials, normalised to sum to 1; a
    # constant objective is named in the note instead.
    from orbitdc.report.build import _importances, _slices, load_results

    res = load_results(tiny_results)
    imp = _importances(res, None)
    feasible = [r for r in res.records if r.feasible]
    varied = {o for o in res.objectives if len({r.objectives[o] for r in feasible}) > 1}
    assert varied, "the tiny study's technology choices must change some objective"
    assert set(imp["values"]) == varied, imp["note"]
    for o in set(res.objectives) - varied:
        assert o in imp["note"]
    for values in imp["values"].values():
        assert set(values) == {"solar_array", "radiator"}
        assert sum(values.values()) == pytest.approx(1.0)
    # categorical parameters go to a category axis, every feasible trial plotted
    slices = _slices(res.records)
    assert slices["solar_array"]["categorical"] is True
    assert len(slices["solar_array"]["x"]) == len(feasible)
    mixed = _slices([dataclasses.replace(r, params={"inclination": v})
                     for r, v in zip(feasible, ["53", "dawn-dusk", 53, "53"], strict=False)])
    assert mixed["inclination"]["categorical"] is True
    assert mixed["inclination"]["x"][:3] == ["53", "dawn-dusk", "53"]

def test_report_in_a_real_browser(tiny_results):
    files = build_report([tiny_results], pdf=False)
    manager, browser, page, errors = _browser_page(files.html)
    try:
        n_pareto = len(list(csv.DictReader(files.pareto_csv.open())))
        points = page.query_selector_all("#pareto .scatterlayer .trace:first-child .point")
        assert len(points) == n_pareto > 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        # Click the last Pareto point: the design panel shows that trial.
        target = page.evaluate(
            "window.orbitdcReport.data.pareto[window.orbitdcReport.data.pareto.length - 1]")
        points[-1].click(force=True)
        page.wait_for_timeout(300)
        assert page.get_attribute("#design", "data-trial") == str(target)
        assert f"trial {target}" in page.text_content("#design-title")
        assert page.query_selector_all("#sizing tr")  # sizing table filled
        assert errors == []
    finally:
        browser.close()
        manager.stop()


def test_empty_study_page(tmp_path):
    out = tmp_path / "results" / "empty"
    out.mkdir(parents=True)
    optuna.create_study(study_name="empty", storage=open_storage(default_storage_url(out)),
                        directions=["maximize", "minimize", "minimize"])
    files = build_report([out], pdf=False)
    assert files.design is None and files.review_md is None
    assert any("no trials" in m for m in files.messages)
    assert "no trials yet" in files.html.read_text()


def test_no_feasible_trial_page(tiny_study, tmp_path):
    path = tiny_study(name="nofeasible", extra="\n[search.constraints]\n"
                      "max_maneuvers_per_sat_year = 1e-9\n")
    out = _run(path, tmp_path / "results")
    files = build_report([out], pdf=False)
    assert files.design is None
    assert any("No feasible trial" in m and "maneuvers_per_sat_year" in m for m in files.messages)
    manager, browser, page, errors = _browser_page(files.html)
    try:
        assert "No feasible trial" in page.text_content("#messages")
        assert "no feasible design" in page.text_content("#design-title")
        assert errors == []
    finally:
        browser.close()
        manager.stop()


def test_changed_study_file_is_flagged(tiny_study, tmp_path):
    path = tiny_study(name="changed")
    out = _run(path, tmp_path / "results", n_trials=2)
    path.write_text(path.read_text().replace("radiator_temp_k = 320.0", "radiator_temp_k = 330.0"))
    files = build_report([out], pdf=False)
    assert any("changed since these results" in m for m in files.messages)
    # Running it again refuses to mix trials of two different files.
    result = CliRunner().invoke(cli, ["run", str(path), "--results-dir",
                                      str(tmp_path / "results")])
    assert result.exit_code == 2 and "changed since" in result.output


def test_compare_mode_and_cli(tiny_results, tiny_study, tmp_path):
    other = _run(tiny_study(name="other"), tmp_path / "results")
    result = CliRunner().invoke(cli, ["report", str(tiny_results), str(other), "--no-pdf"])
    assert result.exit_code == 0, result.output
    html = (tiny_results / "report.html").read_text()
    assert '"name":"other"' in html
    missing = CliRunner().invoke(cli, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no study found" in missing.output
    bad = CliRunner().invoke(cli, ["report", str(tiny_results), "--design", "999"])
    assert bad.exit_code == 2 and "--design 999" in bad.output
