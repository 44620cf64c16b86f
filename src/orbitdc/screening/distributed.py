"""Run a screening's sub-windows as tasks on a Dask cluster.

The plan (element sets as numpy tables, shells as their specifications) is scattered to every
worker once; each task screens one sub-window with :func:`~orbitdc.screening.engine.
screen_window`, exactly as the local run does, so the conjunctions are the same (the local run
uses the same cut into sub-windows and the same per-window code, and every window's work
depends only on the plan and its index).

Install the extra: ``pip install "orbitdc[distributed]"``.

Worker environment: Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which
makes glibc hand memory back to the system after every large numpy temporary; the screening's
vectorised phases then run 1.5-2x slower than in a plain process (measured on the benchmark).
:func:`local_cluster` raises it to 1 GiB; on a real cluster export
``MALLOC_TRIM_THRESHOLD_=1073741824`` before ``dask worker``, or set
``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_`` in the Dask configuration.
"""

from __future__ import annotations

from typing import Any

from orbitdc.errors import InputError, OrbitdcError
from orbitdc.screening.window import ScreeningPlan, WindowResult, screen_window


def connect(address: str) -> Any:
    """Connect a ``dask.distributed.Client`` to a scheduler address (``tcp://host:8786``).

    Raises
    ------
    OrbitdcError
        When dask.distributed is not installed or the scheduler cannot be reached.
    """
    try:
        from dask.distributed import Client
    except ImportError:
        raise OrbitdcError(
            "dask.distributed is not installed: pip install 'orbitdc[distributed]'"
        ) from None
    if "://" not in address:
        raise InputError("dask_scheduler", address, "must be an address like tcp://host:8786")
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise OrbitdcError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


#: Environment for screening workers (see the module docstring).
WORKER_MALLOC_TRIM_THRESHOLD = str(2**30)


def local_cluster(n_workers: int = 2, processes: bool = True, **kwargs: Any) -> Any:
    """Start a ``dask.distributed.LocalCluster`` whose workers keep freed memory (fast numpy)."""
    import dask
    from dask.distributed import LocalCluster

    env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    env["MALLOC_TRIM_THRESHOLD_"] = WORKER_MALLOC_TRIM_THRESHOLD
    with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=processes,
                            dashboard_address=None, **kwargs)


def run_windows_dask(client: Any, plan: ScreeningPlan) -> list[WindowResult]:
    """Screen every sub-window of ``plan`` as one task; results in window order."""
    remote_plan = client.scatter(plan, broadcast=True)
    futures = [client.submit(screen_window, remote_plan, w, pure=False)
               for w in range(len(plan.windows))]
    return list(client.gather(futures))
