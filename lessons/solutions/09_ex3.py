import math


def cancelling_angle(k):
    """β with the reflection axis (e_0 + e_1, at angle π/4) at angle π/(2k) in U's coordinates:
    π/4 − β = π/(2k)."""
    return math.pi / 4 - math.pi / (2 * k)
