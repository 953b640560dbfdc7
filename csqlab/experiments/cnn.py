"""The CNN experiment: Theorem C, group-averaged hidden planes (lesson 9).
"""

from __future__ import annotations

from csqlab.experiments.setup import FamilySpec, _group, _seed_candidates, _Setup


def _build_cnn_planes(config) -> _Setup:
    """Theorem C: hidden planes in ``R^n`` averaged over ``G`` (cyclic shifts: a CNN with
    full-width circular filters and global average pooling), ``k = degree``. Student:
    :class:`csqlab.models.GroupAveragedNetwork` of width ``config.width`` (teacher: ``2k``
    filters)."""
    from csqlab.hard import cnn
    from csqlab.models import GroupAveragedNetwork

    group = _group(config.group, config.size)
    family = cnn.group_averaged_plane_family(config.size, config.degree, group=group,
                                             n_planes=len(config.seeds), seed=config.data_seed)

    def student(seed, dtype):
        return GroupAveragedNetwork(config.size, config.width, group, dtype=dtype, seed=int(seed))

    return _Setup(family, _seed_candidates(len(family)), family.sample, student,
                  lambda x: (x,), 2 * config.degree)


CNN_PLANES = FamilySpec("cnn-planes", "group-averaged", "§4.3",
                        "group-averaged hidden planes (CNN / group-averaged network)",
                        _build_cnn_planes)
