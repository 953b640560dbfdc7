import numpy as np

from csqlab import groups


def build_group():
    """D_4 acting on the 9 cells of a 3×3 image: rotate by 90° and mirror left-right.

    A dihedral group in a new action (cells of a square image, not the corners of a polygon):
    8 elements on n = 9 points, the centre cell fixed by all of them."""
    cells = np.arange(9).reshape(3, 3)
    quarter_turn = np.rot90(cells, -1)        # the cell at (i, j) moves to (j, 2 − i)
    mirror = cells[:, ::-1]                   # the cell at (i, j) moves to (i, 2 − j)
    # as permutations g with g[old cell] = new cell
    rotation = np.empty(9, dtype=np.int64)
    rotation[quarter_turn.ravel()] = cells.ravel()
    reflection = np.empty(9, dtype=np.int64)
    reflection[mirror.ravel()] = cells.ravel()
    return groups.generated_group([rotation, reflection], name="D_4 on a 3×3 image")
