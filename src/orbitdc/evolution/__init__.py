"""Long-term debris environment with collision feedback: a species-by-altitude source-sink model.

Populations of active satellites (per plan group and the background), their derelicts and
disposals, rocket bodies and fragments by size and area-to-mass class, per altitude bin, year by
year over decades, with the risk model's physics: the same atmosphere and solar cycle for drag,
the same encounter models for avoidance, the same NASA breakup model (and fragment cloud) for
collisions. See design/environment.md.

Modules: :mod:`~orbitdc.evolution.grid` (bins), :mod:`~orbitdc.evolution.species`,
:mod:`~orbitdc.evolution.fragments` (fragment species and where a breakup's fragments go),
:mod:`~orbitdc.evolution.rates` (collision and drag tensors), :mod:`~orbitdc.evolution.model`
(the integrator), :mod:`~orbitdc.evolution.scenario` (today's environment, background traffic,
a plan), :mod:`~orbitdc.evolution.metrics` (``environment_50y`` and the per-bin
sustainability figures).
"""
