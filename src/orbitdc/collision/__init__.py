"""What happens when two objects meet: encounter rates, collision probability, fragments.

* :mod:`~orbitdc.collision.flux` - kinetic-gas collision rates ``n sigma v``;
* :mod:`~orbitdc.collision.probability` - collision probability of one conjunction in the
  encounter plane (isotropic closed form, Foster's general covariance, maneuver distances);
* :mod:`~orbitdc.collision.breakup` - the NASA standard breakup model (catastrophic threshold,
  fragment counts).

Both the risk model (:mod:`orbitdc.risk`) and the screening engine (:mod:`orbitdc.screening`)
build on these functions; neither imports the other.
"""
