

def orbits_from_cycle_types(census, k):
    """Burnside: (1/|G|) Σ_types (number of elements) · (number of k-subsets that are unions of
    whole cycles), the coefficient of z^k in Π_cycles (1 + z^length)."""
    total = order = 0
    for lengths, count in census.items():
        ways = [1] + [0] * k
        for length in lengths:
            for size in range(k, length - 1, -1):
                ways[size] += ways[size - length]
        total += count * ways[k]
        order += count
    assert total % order == 0, "Burnside's sum is always a multiple of |G|"
    return total // order
