import math


def directed_parity_correlation(n, subset):
    """E[χ_U] = (1 − 2 p_U)^n under directed G(n, ½): out-degrees are i.i.d. Bin(n − 1, ½)
    and χ_U = Π_i (−1)^{1[d_i ∈ U]}, so the mean factorises over the n nodes."""
    p_u = sum(math.comb(n - 1, j) for j in subset) / 2 ** (n - 1)
    return (1.0 - 2.0 * p_u) ** n
