def query_bound(m, tau, gamma):
    """Counting lemma, standard form: q ≥ m(τ² − γ)/2, or 'not applicable' when τ² ≤ γ."""
    if tau**2 <= gamma:
        return "not applicable"
    return m * (tau**2 - gamma) / 2
