"""Where a study lives: SQLite by default, Optuna's journal file, or a PostgreSQL server.

``results/<study>/study.db`` (SQLite) needs no server and serves the local worker processes of
one machine; ``journal:PATH`` selects Optuna's journal file (append-only, safe on file systems
where SQLite locking is not); ``postgresql://user:pass@host/db`` lets workers on many machines
share one study. The storage *is* the state: re-running the same command resumes.

Running trials send heartbeats; a worker that dies leaves its trial "stale", and the next worker
to ask for a trial fails it and re-queues its parameters once
(:class:`orbitdc.study.recovery.RetryStaleTrial`), so no trial is lost and none is counted twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import time
import warnings
from pathlib import Path
from typing import Any

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import BaseStorage, JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend

from orbitdc.errors import InputError, OrbitdcError, StudyFileError
from orbitdc.spec.read import LoadedStudy
from orbitdc.spec.schema import StudySpec
from orbitdc.study.recovery import RetryStaleTrial

#: Heartbeat period and grace before a silent running trial is declared failed [s].
HEARTBEAT_S = 10
GRACE_S = 60

#: Optimisation direction of each objective name.
DIRECTIONS = {"compute": "maximize", "risk": "minimize", "cost": "minimize",
              "environment_50y": "minimize"}


def default_storage_url(results_dir: Path) -> str:
    """``sqlite:///<results_dir>/study.db``."""
    return f"sqlite:///{(results_dir / 'study.db').resolve()}"


def open_storage(url: str) -> BaseStorage:
    """Open (creating if needed) a storage from a URL.

    Parameters
    ----------
    url : str
        ``sqlite:///PATH``, ``postgresql://...`` (or ``postgresql+psycopg2://...``), or
        ``journal:PATH``.

    Raises
    ------
    InputError
        For any other scheme, naming ``--storage``.
    """
    # Heartbeats and their retry callback are marked experimental in Optuna 5; they are the
    # documented way to recover trials of killed workers, so the warning is noise here.
    warnings.filterwarnings("ignore", category=ExperimentalWarning, module="optuna")
    warnings.filterwarnings("ignore", category=ExperimentalWarning, module="orbitdc")
    retry = RetryStaleTrial()
    if url.startswith("journal:"):
        path = Path(url[len("journal:"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(path)))
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        check_sqlite(Path(url[len("sqlite:///"):]))
        # Several local processes share the file: wait for the write lock instead of failing.
        return _serialized(RDBStorage(
            url,
            engine_kwargs={"connect_args": {"timeout": 120}},
            heartbeat_interval=HEARTBEAT_S,
            grace_period=GRACE_S,
            heartbeat_stale_trial_callback=retry,
        ))
    if url.startswith(("postgresql://", "postgresql+")):
        try:
            return _rdb_with_retries(url, retry)
        except ImportError as exc:
            raise InputError("--storage", _redact(url),
                             f"needs a PostgreSQL driver ({exc}): pip install 'orbitdc[postgres]'"
                             ) from None
        except Exception as exc:  # sqlalchemy.exc.OperationalError and friends
            raise InputError("--storage", _redact(url),
                             f"cannot connect ({type(exc).__name__}: {str(exc).splitlines()[0]})"
                             ) from None
    raise InputError(
        "--storage", _redact(url),
        "must be sqlite:///PATH, journal:PATH or postgresql://USER:PASSWORD@HOST/DB",
    )


def _serialized(storage: RDBStorage) -> RDBStorage:
    """Make every transaction on a SQLite study ``BEGIN IMMEDIATE``.

    Python's sqlite3 opens a transaction only at the first write, so Optuna's "is this queued
    trial still waiting? then it is mine" reads outside the write's transaction, and two local
    workers could both take the same queued trial: one parameter set evaluated twice, and
    "Cannot tell a COMPLETE trial" for the second. An immediate transaction takes the write
    lock first, so the check and the update are one step (other processes wait for the lock,
    up to the connection timeout).
    """
    from sqlalchemy import event

    engine = storage.engine

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    engine.dispose()  # connections opened while Optuna set the file up
    return storage


class StorageError(OrbitdcError):
    """A study storage that cannot be read; the message names it and what to do."""


def check_sqlite(path: Path) -> None:
    """Refuse a damaged SQLite study file before Optuna touches it.

    Opens the file read-only and runs SQLite's ``PRAGMA quick_check`` (every page read once).
    A new or empty file passes (Optuna creates its tables).

    Raises
    ------
    StorageError
        Naming the file and SQLite's finding; the file is left exactly as it was.
    """
    import sqlite3

    if not path.is_file() or path.stat().st_size == 0:
        return
    finding = ""
    try:
        with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro",
                                                uri=True, timeout=120)) as db:
            rows = db.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            finding = "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return  # another process is writing: the file is in use, not damaged
        finding = str(exc)
    except sqlite3.DatabaseError as exc:
        finding = str(exc)
    if finding:
        raise StorageError(
            f"{path}: not a readable study storage ({finding}); it is left as it is: move it "
            "aside (or restore a copy) and run again to start the study afresh"
        )


def _rdb_with_retries(url: str, retry: RetryStaleTrial, attempts: int = 6) -> RDBStorage:
    """Open a server storage; retry when workers starting together race to create its tables.

    On an empty database every worker creates Optuna's tables; the losers of that race get an
    integrity error, and succeed once the tables exist.
    """
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    for attempt in range(attempts):
        try:
            return RDBStorage(
                url,
                engine_kwargs={"pool_pre_ping": True},
                heartbeat_interval=HEARTBEAT_S,
                grace_period=GRACE_S,
                heartbeat_stale_trial_callback=retry,
            )
        except (IntegrityError, ProgrammingError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 + random.random() * (attempt + 1))
    raise AssertionError("unreachable")


def _redact(url: str) -> str:
    """Hide a password in a database URL for messages."""
    if "://" in url and "@" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        if ":" in creds:
            return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url


def sampler_seed(master: int, worker_index: int, resumed_at: int = 0) -> int:
    """Seed of one worker's sampler.

    A fresh study (``resumed_at`` = 0 stored trials) gets ``master * 1000003 + worker`` as
    always, so it is reproducible; a resumed study mixes in how many trials it held, so the
    sampler does not replay the draws of the first run (the same seed made a resumed random
    or NSGA-II study repeat its first parameter sets exactly).
    """
    base = (master * 1_000_003 + worker_index) % (2**32)
    if resumed_at <= 0:
        return base
    digest = hashlib.sha256(f"{base}:{resumed_at}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def make_sampler(spec: StudySpec, worker_index: int = 0,
                 resumed_at: int = 0) -> optuna.samplers.BaseSampler:
    """The sampler a study names, seeded by :func:`sampler_seed`.

    The seed derives from the master seed, the worker index and, when the study is resumed,
    the number of trials it holds. The multi-objective default changed in Optuna 5, so the
    sampler is always explicit.
    """
    search = spec.search
    seed = sampler_seed(spec.study.seed, worker_index, resumed_at)
    if search.sampler == "nsga2":
        return optuna.samplers.NSGAIISampler(population_size=search.population_size, seed=seed)
    if search.sampler == "tpe":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, constant_liar=True)
    if search.sampler == "gp":
        try:
            import torch  # noqa: F401
        except ImportError:
            raise InputError("search.sampler", "gp",
                             "needs PyTorch (pip install torch); or use nsga2, tpe, random"
                             ) from None
        return optuna.samplers.GPSampler(seed=seed)
    if search.sampler == "bruteforce":
        return optuna.samplers.BruteForceSampler(seed=seed)
    return optuna.samplers.RandomSampler(seed=seed)


def directions(spec: StudySpec) -> list[optuna.study.StudyDirection]:
    """Optuna directions of the study's objectives, in order."""
    return [optuna.study.StudyDirection[DIRECTIONS[name].upper()]
            for name in spec.search.objectives]


def create_or_load(
    loaded: LoadedStudy, storage: BaseStorage, worker_index: int = 0, *, allow_changed: bool = False
) -> optuna.Study:
    """Create the Optuna study for a study file, or load it to resume.

    Raises
    ------
    StudyFileError
        When the stored study was made from a different study file (hash mismatch) or with
        different objectives, unless ``allow_changed``.
    """
    spec = loaded.spec
    study = optuna.create_study(
        storage=storage,
        study_name=spec.study.name,
        directions=directions(spec),
        sampler=make_sampler(spec, worker_index),
        load_if_exists=True,
    )
    held = len(study.get_trials(deepcopy=False))
    if held:  # resumed: new draws, not the first run's again
        study.sampler = make_sampler(spec, worker_index, held)
    attrs = study.user_attrs
    if "study_sha256" not in attrs:
        # The hash goes last: a worker that sees it (another one creating the study at the
        # same moment) sees the objectives too.
        study.set_user_attr("study_file", str(loaded.path))
        study.set_user_attr("objectives", list(spec.search.objectives))
        study.set_user_attr("metric", spec.risk.metric)
        study.set_user_attr("spec", json.loads(spec.model_dump_json()))
        study.set_user_attr("study_sha256", loaded.sha256)
        return study
    stored = attrs["study_sha256"]
    if list(attrs.get("objectives", [])) != list(spec.search.objectives):
        raise StudyFileError(
            f"{loaded.path}: search.objectives = {list(spec.search.objectives)} but the stored "
            f"study {spec.study.name!r} optimises {attrs.get('objectives')}; give the study a new "
            "name or delete its results"
        )
    if stored != loaded.sha256 and not allow_changed:
        raise StudyFileError(
            f"{loaded.path}: the file changed since study {spec.study.name!r} was created "
            f"(stored sha256 {stored[:12]}, now {loaded.sha256[:12]}); rename the study, delete "
            "its results, or pass --allow-changed to continue it anyway"
        )
    return study


def study_summary(study: optuna.Study) -> dict[str, Any]:
    """Counts of trials by state."""
    counts: dict[str, int] = {}
    for t in study.get_trials(deepcopy=False):
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
    return counts
