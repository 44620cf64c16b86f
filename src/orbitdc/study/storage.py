"""Where a study lives: SQLite by default, Optuna's journal file, or a PostgreSQL server.

``results/<study>/study.db`` (SQLite) needs no server and serves the local worker processes of
one machine; ``journal:PATH`` selects Optuna's journal file (append-only, safe on file systems
where SQLite locking is not); ``postgresql://user:pass@host/db`` lets workers on many machines
share one study. The storage *is* the state: re-running the same command resumes.

Running trials send heartbeats; a worker that dies leaves its trial "stale", and the next worker
to ask for a trial fails it and re-queues its parameters once
(``RetryHeartbeatStaleTrialCallback``), so no trial is lost and none is counted twice.
"""

from __future__ import annotations

import json
import random
import time
import warnings
from pathlib import Path
from typing import Any

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.storages import (
    BaseStorage,
    JournalStorage,
    RDBStorage,
    RetryHeartbeatStaleTrialCallback,
)
from optuna.storages.journal import JournalFileBackend

from orbitdc.errors import InputError, StudyFileError
from orbitdc.spec.read import LoadedStudy
from orbitdc.spec.schema import StudySpec

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
    retry = RetryHeartbeatStaleTrialCallback(max_retry=1)
    if url.startswith("journal:"):
        path = Path(url[len("journal:"):])
        path.parent.mkdir(parents=True, exist_ok=True)
        return JournalStorage(JournalFileBackend(str(path)))
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        # Several local processes share the file: wait for the write lock instead of failing.
        return RDBStorage(
            url,
            engine_kwargs={"connect_args": {"timeout": 120}},
            heartbeat_interval=HEARTBEAT_S,
            grace_period=GRACE_S,
            heartbeat_stale_trial_callback=retry,
        )
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


def _rdb_with_retries(url: str, retry: RetryHeartbeatStaleTrialCallback,
                      attempts: int = 6) -> RDBStorage:
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


def make_sampler(spec: StudySpec, worker_index: int = 0) -> optuna.samplers.BaseSampler:
    """The sampler a study names, seeded from the master seed and the worker index.

    The multi-objective default changed in Optuna 5, so the sampler is always explicit.
    """
    search = spec.search
    seed = (spec.study.seed * 1_000_003 + worker_index) % (2**32)
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
    attrs = study.user_attrs
    if "study_sha256" not in attrs:
        study.set_user_attr("study_sha256", loaded.sha256)
        study.set_user_attr("study_file", str(loaded.path))
        study.set_user_attr("objectives", list(spec.search.objectives))
        study.set_user_attr("metric", spec.risk.metric)
        study.set_user_attr("spec", json.loads(spec.model_dump_json()))
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
