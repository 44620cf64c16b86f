"""``orbitdc run`` and ``orbitdc worker``."""

from __future__ import annotations

import os
import socket
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orbitdc.api import load_study
from orbitdc.cli._common import Count, make_console

if TYPE_CHECKING:
    from orbitdc.study.runner import Progress as RunProgress


def _interrupted(exc: KeyboardInterrupt) -> str:
    """The last line after a stop: what happened to the running trials, how to resume."""
    from orbitdc.study.interrupt import StudyInterrupted

    if isinstance(exc, StudyInterrupted) and exc.forced:
        what = ("stopped at once: trials left running are failed and queued again by the next "
                "run")
    elif isinstance(exc, StudyInterrupted) and exc.stopped:
        numbers = ", ".join(map(str, exc.stopped))
        what = (f"interrupted: trial(s) {numbers} cut short, marked failed and queued again; "
                "completed trials are stored")
    else:
        what = "interrupted: completed trials are stored"
    return f"[yellow]{what}[/yellow]; run the same command again to resume."


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "--"
    m, s = divmod(int(seconds), 60)
    return f"{m}m{s:02d}s"


@click.command()
@click.argument("study_path", metavar="STUDY", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--storage", default=None,
              help="Optuna storage URL [default: sqlite:///results/<study>/study.db]; "
                   "postgresql://... for many machines, journal:PATH for a journal file.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Local worker processes [default: search.workers].")
@click.option("--trials", type=Count(min=1), default=None,
              help="Completed trials to reach, counting stored ones [default: search.n_trials].")
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True)
@click.option("--no-report", is_flag=True, help="Do not write the report at the end.")
@click.option("--allow-changed", is_flag=True,
              help="Continue a stored study although the study file changed since.")
def run(study_path: Path, storage: str | None, workers: int | None, trials: int | None,
        results_dir: Path, no_report: bool, allow_changed: bool) -> None:
    """Run (or resume) the design-space study of a study file, then write its report.

    Each trial samples the nonconvex parameters of [search.params], sizes the satellites,
    scores the shells at the study's fidelity, solves the deployment MILP and records compute,
    risk and cost with the plan behind them. Re-running the same command resumes: completed
    trials are kept and only the remaining ones run. Ctrl-C stops cleanly.

    \b
    orbitdc run studies/baseline.toml
    orbitdc run studies/baseline.toml --storage postgresql://user:pw@db/orbitdc --workers 2
    """
    import optuna

    from orbitdc.study.runner import completed

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the progress display replaces it
    study = load_study(study_path)
    spec = study.spec
    # Workers in processes of their own, even one: Ctrl-C never waits for a solve to return.
    options = study.run_options(storage=storage, workers=workers, trials=trials,
                                results_dir=results_dir, allow_changed=allow_changed,
                                spawn=True)
    console = make_console()
    try:
        out_fd: int | None = os.dup(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        out_fd = None
    console.print(f"study [bold]{study.name}[/bold]: {options.n_trials} trials, "
                  f"{options.workers} worker(s), sampler {spec.search.sampler}, fidelity "
                  f"{spec.search.fidelity}; storage {options.storage_url.split('@')[-1]}")
    columns = (TextColumn("trials"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("left {task.fields[eta]}  {task.fields[best]}"))
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("trials", total=options.n_trials, eta="--", best="")
        logged = [-1]

        def show(p: RunProgress) -> None:
            best = f"{p.best}; {p.failed} failed" if p.failed else p.best
            if p.stages:  # what the running trials are doing
                best += "  [" + "; ".join(p.stages) + "]"
            bar.update(task, completed=p.done, eta=_eta(p.eta_s), best=best)
            if not console.is_terminal and p.done != logged[0]:  # a log file: one line per trial
                logged[0] = p.done
                console.print(f"trials {p.done}/{options.n_trials}, left {_eta(p.eta_s)}  {best}")

        def notice(message: str) -> None:
            # Called from the signal handler too, perhaps inside a solve, while Pyomo holds
            # the process's stdout: write to the descriptor this command started with.
            if out_fd is None:
                console.print(f"[yellow]{message}[/yellow]")
            else:
                os.write(out_fd, f"{message}\n".encode(errors="replace"))

        try:
            result = study.run(options, progress=show, notice=notice)
        except KeyboardInterrupt as exc:
            bar.stop()
            console.print(_interrupted(exc))
            sys.exit(130)
    console.print(f"{completed(result)} trials complete in {options.storage_url.split('@')[-1]}")
    if not no_report:
        files = study.report(results_dir=results_dir, storage=storage)
        for message in files.messages:
            console.print(f"[yellow]note:[/yellow] {message}")
        console.print(f"report: {files.html}\nPareto set: {files.pareto_csv}")


@click.command()
@click.argument("study_path", metavar="STUDY", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--storage", required=True,
              help="Storage URL shared by all workers (postgresql://... or a shared file).")
@click.option("--trials", type=Count(min=1), default=None,
              help="Completed trials the study should reach [default: search.n_trials].")
@click.option("--max-trials", type=Count(min=1), default=None,
              help="Most trials this worker runs [default: until the study is complete].")
@click.option("--index", type=click.IntRange(0), default=None,
              help="Worker index for its sampler seed [default: from host name and pid].")
@click.option("--results-dir", type=click.Path(path_type=Path, file_okay=False),
              default="results", show_default=True)
@click.option("--allow-changed", is_flag=True,
              help="Continue a stored study although the study file changed since.")
def worker(study_path: Path, storage: str, trials: int | None, max_trials: int | None,
           index: int | None, results_dir: Path, allow_changed: bool) -> None:
    """Run trials of a shared study: start one per machine (or core) against one storage.

    Every worker reads the same study file and asks the storage for trials until the study
    holds the target number of completed trials.
    """
    study = load_study(study_path)
    if index is None:
        index = zlib.crc32(f"{socket.gethostname()}:{os.getpid()}".encode()) % 100_000
    try:
        study.worker(storage, index=index, max_trials=max_trials, trials=trials,
                     results_dir=results_dir, allow_changed=allow_changed,
                     notice=lambda message: click.echo(message, err=True), spawn=True)
    except KeyboardInterrupt as exc:
        from rich.markup import render

        click.echo(render(_interrupted(exc)).plain.replace("run the same command",
                                                            "start the worker"), err=True)
        sys.exit(130)
    click.echo(f"worker {index} done")
