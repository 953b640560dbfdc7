def smallest_hard_dimension(width, steps, tolerance):
    """Smallest n where the counting lemma for all 2^n parities (γ = 0) needs more than
    the T·p(n) queries of T gradient steps on a width-`width` two-layer network."""
    n = 1
    while 2**n * tolerance**2 / 2 <= steps * (width * (n + 2) + 1):
        n += 1
    return n
