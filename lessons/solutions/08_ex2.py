import math


def conditioned_parity_correlation(n, subset):
    """E[χ_U] for degrees i.i.d. Bin(n − 1, ½) conditioned on an even sum:
    1[Σ d even] = (1 + Π_i (−1)^{d_i})/2 and P(Σ d even) = ½, so the mean is
    (E[s])^n + (E[(−1)^d s])^n with s = (−1)^{1[d ∈ U]} (derivation: notes/answers.md)."""
    p = [math.comb(n - 1, j) / 2 ** (n - 1) for j in range(n)]
    first = 1.0 - 2.0 * sum(p[j] for j in subset)
    second = -2.0 * sum((-1) ** j * p[j] for j in subset)
    return first**n + second**n
