def exact_min_queries(m, gamma, tau):
    """(m − 1)(τ² − γ)/(2(1 − γ)): each zero answer rules out < 2(1 − γ)/(τ² − γ) members."""
    if tau**2 <= gamma:
        return 0.0
    return (m - 1) * (tau**2 - gamma) / (2 * (1 - gamma))
