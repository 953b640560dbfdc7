import math


def relu_parity_degree_k_weight(k):
    """W_k = E[f_S(x) Π_{i∈S} x_i]² for the parity of ReLU units with |S| = k.

    Stein's identity once per coordinate gives each unit χ(w) k^(−k/2) E[ReLU(z) He_k(z)], so
    W_k = 4^k k^(−k) E[ReLU He_k]²; with E[ReLU He_1] = 1/2 and E[ReLU He_k] = He_{k−2}(0) φ(0)
    (k ≥ 2, He_{2j}(0) = (−1)^j (2j − 1)!!, He_odd(0) = 0):
    W_1 = 1, W_k = 0 for odd k ≥ 3, W_k = 4^k ((k − 3)!!)² / (2π k^k) for even k ≥ 2.
    """
    if k == 1:
        return 1.0
    if k % 2 == 1:
        return 0.0
    double_factorial = math.prod(range(k - 3, 0, -2))  # (k − 3)!!, and (−1)!! = 1 at k = 2
    return math.exp(k * math.log(4.0 / k) + 2.0 * math.log(double_factorial)) / (2.0 * math.pi)
