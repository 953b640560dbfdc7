def gamma_bound_pieces(overlap, k, group_order):
    """(a) |⟨R φ_Ui, R φ_Uj⟩| ≤ (1/|G|)·|G|·t^k = t^k; (b) ‖R φ_U‖² ≥ (1 − (|G| − 1)t^k)/|G|
    (the term h = e is 1, the others are at least −t^k); (c) γ ≤ (a)/(b), and always γ ≤ 1."""
    inner = overlap**k
    norm_squared = (1 - (group_order - 1) * overlap**k) / group_order
    gamma = min(1.0, inner / norm_squared) if norm_squared > 0 else 1.0
    return {"inner": inner, "norm_squared": norm_squared, "gamma": gamma}
