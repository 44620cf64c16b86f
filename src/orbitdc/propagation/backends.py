"""Bulk SGP4 propagation behind one interface, with two backends.

* ``"sgp4"``: the reference, ``sgp4``'s vectorised ``SatrecArray`` (Vallado's C++ SGP4/SDP4
  [1]_), always available. It holds the GIL, so a large request is split by satellite over
  worker processes (``processes``); each worker rebuilds its records from the picklable
  :class:`~orbitdc.propagation.gpe.GpeSet`.
* ``"heyoka"``: heyoka's JIT-compiled, SIMD-vectorised and multi-threaded SGP4 [2]_ (installed by
  the ``fast`` extra), about 5x faster per core. It implements only the near-Earth branch, so
  deep-space objects (period >= 225 min) are always routed to the reference backend.

Both return states in one layout, time-major and structure-of-arrays (heyoka's native layout):
``out[k, c, i]`` is component ``c`` (x, y, z [km], vx, vy, vz [km/s] in TEME, then the SGP4
error code) of object ``i`` at time ``k``. Times are seconds after a reference instant given as a
two-part Julian date (UTC, as SGP4 element epochs are).

References
----------
.. [1] Vallado, D. A., Crawford, P., Hujsak, R. and Kelso, T. S., "Revisiting Spacetrack
   Report #3", AIAA 2006-6753, 2006.
.. [2] Biscani, F. and Izzo, D., heyoka.py, ``heyoka.model.sgp4_propagator`` (v7 docs).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sgp4.api import SatrecArray

from orbitdc.errors import InputError
from orbitdc.propagation.gpe import GpeSet

FloatArray = NDArray[np.float64]

#: Number of state components per object and time: x, y, z, vx, vy, vz, error code.
N_COMPONENTS = 7

BACKENDS = ("auto", "heyoka", "sgp4")


def heyoka_available() -> bool:
    """Whether heyoka's SGP4 propagator can be imported."""
    try:
        import heyoka  # noqa: F401
    except Exception:  # any import-time failure means "not usable"
        return False
    return True


def available_backends() -> tuple[str, ...]:
    """Installed backends, fastest first."""
    return ("heyoka", "sgp4") if heyoka_available() else ("sgp4",)


def resolve_backend(backend: str) -> str:
    """``"auto"`` -> the fastest installed backend; check an explicit choice.

    Raises
    ------
    InputError
        For an unknown name, or ``"heyoka"`` when heyoka is not importable.
    """
    if backend not in BACKENDS:
        raise InputError("backend", backend, "must be one of: " + ", ".join(BACKENDS))
    if backend == "auto":
        return available_backends()[0]
    if backend == "heyoka" and not heyoka_available():
        raise InputError("backend", backend, "heyoka is not installed (pip install orbitdc[fast])")
    return backend


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- reference backend: sgp4.SatrecArray --------------------------------------------------------

_WORKER_ARRAY: SatrecArray | None = None
_WORKER_SHM: dict[str, Any] = {}


def _worker_init(gpes: GpeSet) -> None:
    global _WORKER_ARRAY
    _WORKER_ARRAY = SatrecArray(gpes.satrecs())


def _worker_states(
    jd: FloatArray, fr: FloatArray, shm_name: str, shape: tuple[int, int, int], lo: int, hi: int
) -> None:
    # Write straight into the parent's shared buffer: pickling the result back costs more than
    # the propagation saves.
    from multiprocessing import shared_memory

    assert _WORKER_ARRAY is not None
    shm = _WORKER_SHM.get(shm_name)
    if shm is None:
        for old in _WORKER_SHM.values():
            old.close()
        _WORKER_SHM.clear()
        shm = _WORKER_SHM[shm_name] = shared_memory.SharedMemory(name=shm_name)
    out = np.ndarray(shape, dtype=np.float64, buffer=shm.buf)
    e, r, v = _WORKER_ARRAY.sgp4(jd, fr)
    n_t = jd.size
    out[:n_t, 0:3, lo:hi] = r.transpose(1, 2, 0)
    out[:n_t, 3:6, lo:hi] = v.transpose(1, 2, 0)
    out[:n_t, 6, lo:hi] = e.T


def _satrec_array_states(array: SatrecArray, jd: FloatArray, fr: FloatArray) -> FloatArray:
    e, r, v = array.sgp4(jd, fr)
    out = np.empty((jd.size, N_COMPONENTS, e.shape[0]))
    out[:, 0:3, :] = r.transpose(1, 2, 0)
    out[:, 3:6, :] = v.transpose(1, 2, 0)
    out[:, 6, :] = e.T
    return out


class _SatrecArrayBackend:
    """``sgp4.SatrecArray``; optionally split by satellite over worker processes."""

    name = "sgp4"

    def __init__(self, gpes: GpeSet, jd: float, jd_frac: float, processes: int = 1):
        self.n = len(gpes)
        self.jd, self.jd_frac = jd, jd_frac
        self._slices: list[slice] = []
        self._shm: Any = None
        if processes > 1 and self.n >= 2 * processes:
            bounds = np.linspace(0, self.n, processes + 1).astype(int)
            self._slices = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            # One single-process pool per slice, so each worker keeps its own SatrecArray.
            import multiprocessing

            ctx = multiprocessing.get_context("spawn")
            self._pools = [
                ProcessPoolExecutor(1, mp_context=ctx, initializer=_worker_init,
                                    initargs=(gpes.subset(s),))
                for s in self._slices
            ]
        else:
            self._array = SatrecArray(gpes.satrecs())

    def states(self, t_s: FloatArray) -> FloatArray:
        jd = np.full(t_s.size, self.jd)
        fr = self.jd_frac + t_s / 86400.0
        if not self._slices:
            return _satrec_array_states(self._array, jd, fr)
        from multiprocessing import shared_memory

        shape = (t_s.size, N_COMPONENTS, self.n)
        nbytes = int(np.prod(shape)) * 8
        if self._shm is None or self._shm.size < nbytes:
            self._release_shm()
            self._shm = shared_memory.SharedMemory(create=True, size=nbytes)
        futures = [
            pool.submit(_worker_states, jd, fr, self._shm.name, shape, s.start, s.stop)
            for pool, s in zip(self._pools, self._slices, strict=True)
        ]
        for fut in futures:
            fut.result()
        return np.array(np.ndarray(shape, dtype=np.float64, buffer=self._shm.buf))

    def _release_shm(self) -> None:
        if self._shm is not None:
            self._shm.close()
            self._shm.unlink()
            self._shm = None

    def close(self) -> None:
        for pool in getattr(self, "_pools", []):
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools = []
        self._slices = []
        self._release_shm()


# -- fast backend: heyoka -----------------------------------------------------------------------


class _HeyokaBackend:
    """heyoka's SGP4 (near-Earth objects only; multi-threaded internally)."""

    name = "heyoka"

    def __init__(self, gpes: GpeSet, jd: float, jd_frac: float):
        import heyoka

        self.n = len(gpes)
        self._offset_min = gpes.epoch_offset_min(jd, jd_frac)
        self._prop: Any = heyoka.model.sgp4_propagator(gpes.heyoka_data())

    def states(self, t_s: FloatArray) -> FloatArray:
        times = t_s[:, None] / 60.0 + self._offset_min[None, :]
        out = np.empty((t_s.size, N_COMPONENTS, self.n))
        self._prop(np.ascontiguousarray(times), out=out)
        return out

    def close(self) -> None:
        self._prop = None


class Propagator:
    """Propagate a fixed set of objects to many common times.

    Parameters
    ----------
    gpes : GpeSet
        The objects.
    jd : float [days]
        Reference instant (UTC Julian date, or its integer-and-a-half part).
    jd_frac : float [days]
        Fraction added to ``jd`` (keeps microsecond resolution).
    backend : {"auto", "heyoka", "sgp4"}
        ``"auto"`` picks the fastest installed one. Deep-space objects always use ``"sgp4"``.
    processes : int, optional
        Worker processes for the ``"sgp4"`` backend (default: 1; the screening uses the number
        of cores for large populations). heyoka uses its own thread pool.
    """

    def __init__(
        self, gpes: GpeSet, jd: float, jd_frac: float = 0.0, backend: str = "auto",
        processes: int = 1,
    ):
        self.backend = resolve_backend(backend)
        self.n = len(gpes)
        self._parts: list[tuple[NDArray[np.intp], Any]] = []
        if self.n == 0:
            return
        if self.backend == "heyoka":
            deep = gpes.is_deep_space()
            near_idx = np.flatnonzero(~deep)
            deep_idx = np.flatnonzero(deep)
            if near_idx.size:
                self._parts.append((near_idx, _HeyokaBackend(gpes.subset(near_idx), jd, jd_frac)))
            if deep_idx.size:
                self._parts.append(
                    (deep_idx, _SatrecArrayBackend(gpes.subset(deep_idx), jd, jd_frac))
                )
        else:
            idx = np.arange(self.n)
            self._parts.append((idx, _SatrecArrayBackend(gpes, jd, jd_frac, processes)))

    def states(self, t_s: ArrayLike) -> FloatArray:
        """States at times ``t_s`` [s after the reference], shape ``(n_t, 7, n)``."""
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        if len(self._parts) == 1 and self._parts[0][0].size == self.n:
            return np.asarray(self._parts[0][1].states(t))
        out = np.empty((t.size, N_COMPONENTS, self.n))
        for idx, part in self._parts:
            out[:, :, idx] = part.states(t)
        return out

    def iter_states(
        self, t_s: ArrayLike, max_bytes: int = 256 * 2**20
    ) -> Iterator[tuple[slice, FloatArray]]:
        """States in time blocks whose arrays stay under ``max_bytes``.

        Yields ``(time slice, states)`` with ``states`` shaped ``(block, 7, n)``.
        """
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        per_time = max(1, self.n * N_COMPONENTS * 8)
        block = max(1, int(max_bytes // per_time))
        for a in range(0, t.size, block):
            s = slice(a, min(a + block, t.size))
            yield s, self.states(t[s])

    def close(self) -> None:
        """Release worker processes (sgp4 backend with ``processes > 1``)."""
        for _, part in self._parts:
            part.close()

    def __enter__(self) -> Propagator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_processes(n_objects: int, n_times: int) -> int:
    """Worker processes worth starting for the sgp4 backend (spawning costs ~0.5 s each)."""
    if n_objects * n_times < 5_000_000:
        return 1
    return max(1, min(_cpu_count(), math.ceil(n_objects / 1000)))
