"""How fast this machine's core is right now, for reading benchmark figures.

On a shared virtual machine the same Python code runs up to ~1.5x slower from one minute to the
next (measured here: a fixed loop took 282-461 ms), with no steal time shown. Benchmarks print
this reference beside their figures, before and after, so that runs can be compared.
"""

from __future__ import annotations

import time

LOOP = 3_000_000


def reference_ms() -> float:
    """CPU time of a fixed pure-Python loop, in milliseconds (the best of three)."""
    best = float("inf")
    for _ in range(3):
        start = time.thread_time()
        total = 0
        for i in range(LOOP):
            total += i * i
        best = min(best, time.thread_time() - start)
    return best * 1000


if __name__ == "__main__":
    print(f"reference loop {reference_ms():.0f} ms (one core, best of three)")
