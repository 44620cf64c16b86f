"""Populations to screen: catalog objects and Walker shells, one index space.

A :class:`Population` is an ordered list of groups. A :class:`CatalogGroup` holds arbitrary
element sets (TLE/OMM objects, synthetic debris); a :class:`ShellGroup` is a Walker shell kept
as a shell, so the screening can generate its positions and its internal conjunctions by
symmetry (:mod:`orbitdc.propagation.walker`) instead of propagating and pairing every satellite.

Text specifications (:func:`parse_population_spec`): a catalog file path (TLE, 3LE, OMM CSV,
XML or JSON, via :func:`orbitdc.environment.catalog.read_catalog`) or a shell written
``walker:ALT_KM:INC:T/P/F`` (``INC`` in degrees, ``sso``, ``dawn-dusk`` or ``sso-HH.H``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sgp4.api import Satrec

from orbitdc.environment.catalog import ObjectCatalog, read_catalog
from orbitdc.errors import InputError
from orbitdc.orbits.inclination import InclinationFamily
from orbitdc.orbits.shells import WalkerShell
from orbitdc.propagation.gpe import GPE_DTYPE, GpeSet
from orbitdc.propagation.walker import shell_gpes
from orbitdc.time import as_utc

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class CatalogGroup:
    """Objects given by their element sets.

    Attributes
    ----------
    gpes : GpeSet
    ids : tuple of str
        Catalog numbers or generated ids, one per object.
    names : tuple of str
    """

    gpes: GpeSet
    ids: tuple[str, ...]
    names: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.gpes)

    def id_of(self, local: IntArray) -> list[str]:
        """Ids of objects by their index in the group."""
        return [self.ids[int(k)] for k in local]


@dataclass(frozen=True)
class ShellGroup:
    """A Walker shell screened as a shell.

    Attributes
    ----------
    shell : WalkerShell
    epoch : datetime
        Element epoch of its satellites (UTC).
    label : str
        Prefix of the generated ids ``LABEL:pPPsSS``.
    """

    shell: WalkerShell
    epoch: datetime
    label: str

    def __len__(self) -> int:
        return self.shell.total

    @property
    def gpes(self) -> GpeSet:
        """Element sets of every satellite (as ``WalkerShell.satrecs`` builds them)."""
        return shell_gpes(self.shell, self.epoch)

    def id_of(self, local: IntArray) -> list[str]:
        """Return generated ids ``LABEL:p<plane>s<slot>`` of satellites by index in the shell."""
        p, s = np.divmod(np.asarray(local, dtype=np.int64), self.shell.sats_per_plane)
        return [f"{self.label}:p{a}s{b}" for a, b in zip(p.tolist(), s.tolist(), strict=True)]


Group = CatalogGroup | ShellGroup


@dataclass(frozen=True)
class Population:
    """Objects to screen, as an ordered tuple of groups sharing one index space."""

    groups: tuple[Group, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return int(sum(len(g) for g in self.groups))

    @cached_property
    def offsets(self) -> IntArray:
        """Index of the first object of every group (and the total at the end)."""
        return np.concatenate([[0], np.cumsum([len(g) for g in self.groups])]).astype(np.int64)

    @cached_property
    def gpes(self) -> GpeSet:
        """Element sets of all objects, in index order."""
        if not self.groups:
            return GpeSet(np.zeros(0, dtype=GPE_DTYPE))
        return GpeSet(np.concatenate([g.gpes.records for g in self.groups]))

    def group_index(self, index: IntArray) -> IntArray:
        """Group of each object index."""
        return np.searchsorted(self.offsets, np.asarray(index), side="right").astype(np.int64) - 1

    def ids(self, index: Sequence[int] | IntArray) -> list[str]:
        """Ids of objects by population index."""
        idx = np.asarray(index, dtype=np.int64)
        out = [""] * idx.size
        gi = self.group_index(idx)
        for g in np.unique(gi):
            sel = np.flatnonzero(gi == g)
            labels = self.groups[int(g)].id_of(idx[sel] - self.offsets[int(g)])
            for pos, lab in zip(sel.tolist(), labels, strict=True):
                out[pos] = lab
        return out

    def __add__(self, other: Population) -> Population:
        return Population(self.groups + other.groups)

    @classmethod
    def from_catalog(cls, catalog: ObjectCatalog) -> Population:
        """Build a population of the objects of a catalog read with ``read_catalog``."""
        return cls((CatalogGroup(GpeSet.from_satrecs(catalog.satrecs), tuple(catalog.ids),
                                 tuple(catalog.names)),))

    @classmethod
    def from_satrecs(
        cls, satrecs: Sequence[Satrec], ids: Sequence[str] | None = None
    ) -> Population:
        """Build a population of ``Satrec`` objects (ids default to their catalog numbers)."""
        labels = tuple(ids) if ids is not None else tuple(str(s.satnum) for s in satrecs)
        if len(labels) != len(satrecs):
            raise InputError("ids", len(labels), f"must give one id per object ({len(satrecs)})")
        return cls((CatalogGroup(GpeSet.from_satrecs(list(satrecs)), labels),))

    @classmethod
    def from_gpes(cls, gpes: GpeSet, ids: Sequence[str] | None = None) -> Population:
        """Build a population of element sets (ids default to their catalog numbers)."""
        labels = tuple(ids) if ids is not None else tuple(str(int(s)) for s in
                                                          gpes.records["satnum"])
        return cls((CatalogGroup(gpes, labels),))

    @classmethod
    def from_shells(
        cls, shells: WalkerShell | Sequence[WalkerShell], epoch: datetime,
        labels: Sequence[str] | None = None,
    ) -> Population:
        """Build a population of Walker shells with element epoch ``epoch``."""
        seq = [shells] if isinstance(shells, WalkerShell) else list(shells)
        epoch = as_utc(epoch)
        names = list(labels) if labels is not None else [shell_label(s) for s in seq]
        return cls(tuple(ShellGroup(s, epoch, lab) for s, lab in zip(seq, names, strict=True)))


def shell_label(shell: WalkerShell) -> str:
    """Default label ``W<alt>-<inclination family>-<T>/<P>/<F>``."""
    return (f"W{shell.altitude_km:g}-{shell.inclination.label}-"
            f"{shell.total}/{shell.planes}/{shell.phasing}")


_WALKER = re.compile(r"^walker:([^:]+):([^:]+):(\d+)/(\d+)/(\d+)$", re.IGNORECASE)


def parse_walker_spec(text: str, field_name: str = "population") -> WalkerShell:
    """Parse ``walker:ALT_KM:INC:T/P/F`` into a :class:`WalkerShell`.

    Raises
    ------
    InputError
        If the text does not match, or a value is out of range (``T`` a multiple of ``P``,
        ``0 <= F < P``, altitude 150-2000 km).
    """
    m = _WALKER.match(text.strip())
    allowed = "must be walker:ALT_KM:INC:T/P/F, e.g. walker:550:53:1584/72/17"
    if not m:
        raise InputError(field_name, text, allowed)
    try:
        alt = float(m.group(1))
    except ValueError:
        raise InputError(field_name, text, allowed) from None
    inc = InclinationFamily.parse(m.group(2), field_name)
    total, planes, phasing = (int(m.group(k)) for k in (3, 4, 5))
    if planes < 1 or total < 1 or total % planes:
        raise InputError(field_name, text,
                         f"T = {total} must be a positive multiple of P = {planes}")
    return WalkerShell(alt, inc, planes, total // planes, phasing, name=text)


def parse_population_spec(text: str, epoch: datetime, field_name: str = "population", *,
                          skip_bad_records: bool = False) -> Population:
    """Build a population from a catalog path or a ``walker:...`` shell specification.

    Shells get ``epoch`` as their element epoch (normally the start of the screening). A
    catalog with rejected records raises
    :class:`~orbitdc.environment.catalog.BadRecordsError` naming each, unless
    ``skip_bad_records``.
    """
    if text.lower().startswith("walker:"):
        shell = parse_walker_spec(text, field_name)
        return Population.from_shells(shell, epoch, [text])
    path = Path(text)
    if not path.exists():
        raise InputError(field_name, text,
                         "must be an existing catalog file or walker:ALT:INC:T/P/F")
    catalog = read_catalog(path)
    return Population.from_catalog(catalog if skip_bad_records else catalog.require_clean())
