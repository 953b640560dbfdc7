def count_necklaces(n):
    """Number of binary necklaces of length n: distinct smallest rotations of all 2**n strings."""
    representatives = set()
    for value in range(2**n):
        bits = tuple((value >> i) & 1 for i in range(n))
        representatives.add(min(bits[s:] + bits[:s] for s in range(n)))
    return len(representatives)
