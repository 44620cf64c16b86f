"""Reports: files, a real headless browser on the HTML, and clear pages for odd studies."""

from __future__ import annotations

import csv
import dataclasses
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import optuna
import pytest
from click.testing import CliRunner

from orbitdc.cli import cli
from orbitdc.report.build import build_report
from orbitdc.report.records import pareto_set, records_from_study
from orbitdc.report.tables import header
from orbitdc.risk.metrics import FLEET_QUANTITIES, RISK_METRICS
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
    page = files.html.read_text()
    assert files.directory == tiny_results and files.html.is_file()
    # self-contained: no external script, stylesheet or image
    assert "<script src" not in page and "<link" not in page and "<img" not in page
    assert {p.suffix for p in files.figures} == {".png", ".svg"}
    stems = {p.stem for p in files.figures}
    assert {"pareto_front", f"design_{files.design}", f"fleet_{files.design}"} <= stems
    study = optuna.load_study(study_name="tiny",
                              storage=open_storage(default_storage_url(tiny_results)))
    front = pareto_set(records_from_study(study, ["compute", "risk", "cost"]),
                       ["compute", "risk", "cost"])
    rows = list(csv.DictReader(files.pareto_csv.open()))
    assert sorted(int(r["trial"]) for r in rows) == sorted(r.number for r in front)
    text = files.review_md.read_text()
    for heading in ("Purpose and requirements", "Chosen configuration", "Margins", "Risks",
                    "Open questions", "The fleet over the horizon"):
        assert heading in text
    assert f"design {files.design}" in text


def test_every_chart_is_one_matplotlib_svg_with_data_attributes(tiny_results):
    # One implementation per chart: the SVG file in figures/ is the chart the page inlines.
    files = build_report([tiny_results], pdf=False)
    page = files.html.read_text()
    svg = (tiny_results / "figures" / "pareto_front.svg").read_text()
    n_front = len(list(csv.DictReader(files.pareto_csv.open())))
    assert svg.count('class="pt pareto"') == n_front > 0
    assert page.count('class="pt pareto"') == n_front
    assert "plotly" not in page.lower()


def test_report_needs_neither_plotly_nor_scikit_learn(tiny_results, tmp_path):
    # Both packages are blocked from import: the report (PED-ANOVA importances) still builds.
    code = (
        "import sys\n"
        "sys.modules['plotly'] = None\n"
        "sys.modules['sklearn'] = None\n"
        "from pathlib import Path\n"
        "from orbitdc.report.build import build_report\n"
        f"files = build_report([Path({str(tiny_results)!r})], pdf=False, "
        f"out=Path({str(tmp_path / 'out')!r}))\n"
        "print(files.html)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "out" / "report.html").is_file()


def test_importances_and_categorical_slices(tiny_results):
    # PED-ANOVA (Optuna's own, no scikit-learn): one set per objective that varies over the
    # feasible trials, normalised to sum to 1; a constant objective is named in the note.
    from orbitdc.report.build import _importances, _slices, load_results

    res = load_results(tiny_results)
    imp = _importances(res)
    assert "PED-ANOVA" in imp["note"]
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
    assert sorted(slices["solar_array"]["trials"]) == sorted(r.number for r in feasible)
    mixed = _slices([dataclasses.replace(r, params={"inclination": v})
                     for r, v in zip(feasible, ["53", "dawn-dusk", 53, "53"], strict=False)])
    assert mixed["inclination"]["categorical"] is True
    assert mixed["inclination"]["x"][:3] == ["53", "dawn-dusk", "53"]


def test_report_in_a_real_browser(tiny_results):
    files = build_report([tiny_results], pdf=False)
    manager, browser, page, errors = _browser_page(files.html)
    try:
        n_pareto = len(list(csv.DictReader(files.pareto_csv.open())))
        points = page.query_selector_all("#pareto svg .pt.pareto[data-trial]")
        assert len(points) == n_pareto > 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        # Hovering a point shows its figures.
        target = page.evaluate(
            "window.orbitdcReport.data.pareto[window.orbitdcReport.data.pareto.length - 1]")
        last = page.query_selector(f'#pareto svg .pt.pareto[data-trial="{target}"]')
        last.hover(force=True)
        page.wait_for_timeout(200)
        assert page.is_visible("#tip") and f"trial {target}" in page.text_content("#tip")
        # Click the last Pareto point: the design panel shows that trial.
        last.click(force=True)
        page.wait_for_timeout(300)
        assert page.get_attribute("#design", "data-trial") == str(target)
        assert f"trial {target}" in page.text_content("#design-title")
        assert page.query_selector_all("#sizing tr")  # sizing table filled
        # the fleet table: a header row and one row per year of the horizon (3)
        assert len(page.query_selector_all("#fleet tr")) == 1 + 3
        assert errors == []
    finally:
        browser.close()
        manager.stop()


def test_design_chosen_with_option_is_labelled_as_such(tiny_results, tmp_path):
    best = build_report([tiny_results], pdf=False).design
    other = next(r.number for r in records_from_study(
        optuna.load_study(study_name="tiny",
                          storage=open_storage(default_storage_url(tiny_results))),
        ["compute", "risk", "cost"]) if r.feasible and r.number != best)
    files = build_report([tiny_results], pdf=False, design=other, out=tmp_path / "chosen")
    assert files.design == other
    assert f"Design {other} of" in files.review_md.read_text()
    assert "selected with --design" in files.review_md.read_text()
    manager, browser, page, errors = _browser_page(files.html)
    try:
        title = page.text_content("#design-title")
        assert f"trial {other}" in title and "selected with --design" in title
        assert "best compute" not in title
        # the best design, opened from the front, is not called "selected"
        page.click(f'#pareto svg [data-trial="{best}"]', force=True)
        assert "selected with --design" not in page.text_content("#design-title")
        assert errors == []
    finally:
        browser.close()
        manager.stop()


def test_fleet_section_in_report_and_review(tiny_results):
    files = build_report([tiny_results], pdf=False)
    page = files.html.read_text()
    review = files.review_md.read_text()
    for q in FLEET_QUANTITIES:
        # each fleet quantity has its column, its total and its one-line definition
        assert escape(q.definition) in page and q.definition in review
        assert header(q) in review
    for m in RISK_METRICS:
        assert escape(m.definition) in page
    assert "peak satellites in service" in review
    assert "![Pareto front" in review and "(figures/pareto_front.png)" in review
    assert (files.directory / "figures" / "pareto_front.png").is_file()
    assert f"(figures/fleet_{files.design}.png)" in review


def test_review_pdf_via_markdown_it(tiny_results, tmp_path):
    from orbitdc.report.review import markdown_to_html

    html = markdown_to_html("# A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n")
    assert "<h1>A</h1>" in html and "<td>1</td>" in html and "<li>x</li>" in html
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed")
    files = build_report([tiny_results], out=tmp_path / "pdf")
    assert files.review_pdf is not None and files.review_pdf.read_bytes()[:4] == b"%PDF"
    assert files.pdf_skipped == ""


def test_older_study_attributes_give_a_message_not_a_crash(tmp_path):
    # A trial stored by an orbitdc before the typed summary: spaces in keys, no version.
    out = tmp_path / "results" / "old"
    out.mkdir(parents=True)
    study = optuna.create_study(study_name="old", storage=open_storage(default_storage_url(out)),
                                directions=["maximize", "minimize", "minimize"])
    study.set_user_attr("objectives", ["compute", "risk", "cost"])
    study.set_user_attr("metric", "debris_index")
    for k, (c, r) in enumerate([(10.0, 2.0), (20.0, 5.0)]):
        study.add_trial(optuna.trial.create_trial(
            values=[c, r, 1e9], params={"x": float(k)},
            distributions={"x": optuna.distributions.FloatDistribution(0, 5)},
            user_attrs={"status": "ok", "ratio_pflop_years_per_risk": c / r,
                        "compliance": {"max collision probability per satellite (life)": 0.01},
                        "risk_breakdown": {"intra-shell": 0.1}},
            constraints={"valid": 0.0}))
    files = build_report([out], pdf=False)
    assert any("older than the typed trial summary" in m for m in files.messages)
    assert files.review_md is None and files.design == 0
    page = files.html.read_text()
    assert page.count('class="pt pareto"') == 2
    assert "No design to show" in page


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
    own = build_report([tiny_results], pdf=False)
    own_page = own.html.read_text()
    result = CliRunner().invoke(cli, ["report", str(tiny_results), str(other), "--no-pdf"])
    assert result.exit_code == 0, result.output
    # the comparison goes to a new folder named after the studies; A's report is untouched
    assert (tiny_results / "report.html").read_text() == own_page
    compare = tiny_results.parent / "compare-tiny-other"
    html = (compare / "report.html").read_text()
    assert 'class="pt compare"' in html and "other: Pareto-optimal" in html
    assert {r["study"] for r in csv.DictReader((compare / "pareto.csv").open())} == {
        "tiny", "other"}
    # --out puts it anywhere; log axes on request
    result = CliRunner().invoke(cli, ["report", str(tiny_results), str(other), "--no-pdf",
                                      "--out", str(tmp_path / "cmp"), "--log-x", "--log-y"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cmp" / "report.html").is_file()
    missing = CliRunner().invoke(cli, ["report", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "no study found" in missing.output
    bad = CliRunner().invoke(cli, ["report", str(tiny_results), "--design", "999"])
    assert bad.exit_code == 2 and "--design 999" in bad.output


def test_log_axes_leave_out_zero_points_and_say_so():
    from orbitdc.report import figures
    from orbitdc.report.records import TrialRecord

    records = [TrialRecord(n, "COMPLETE", n > 0, {"compute": c, "risk": r, "cost": 1e9})
               for n, (c, r) in enumerate([(0.0, 0.0), (10.0, 2.0), (30.0, 9.0)])]
    chart = figures.pareto_chart({"s": (records, records[1:])}, log_x=True, log_y=True)
    ax = chart.figure.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log") and chart.dropped == 1
    svg = chart.finish("t-").svg
    assert svg.count('class="pt pareto"') == 2 and 'data-trial="0"' not in svg


def test_cli_prints_the_review_and_why_the_pdf_was_skipped(tiny_results, tmp_path, monkeypatch):
    import orbitdc.report.review as review

    monkeypatch.setattr(review, "chromium_executable", lambda: None)
    result = CliRunner().invoke(cli, ["report", str(tiny_results), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "report: " in text and "design review: " in text and "design_review_" in text
    assert "PDF skipped" in text and "apt-get install chromium" in text


def test_make_demo_runs_the_report_command(repo):
    # make demo ends with 'orbitdc report', which prints the report, the review and the PDF
    # status (tested above).
    makefile = (repo / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "orbitdc run $(STUDY) --no-report" in demo
    assert "orbitdc report" in demo
