def samples_needed(n, n_queries):
    """Samples N ≈ 1/τ² at which n_queries queries can learn all 2^n parities (γ = 0).

    q ≥ 2^n τ²/2 forbids learning unless τ² ≤ 2q/2^n, i.e. N = 1/τ² ≥ 2^n/(2q); at least 1.
    """
    return max(1.0, 2**n / (2 * n_queries))
