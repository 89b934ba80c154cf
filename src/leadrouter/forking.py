"""Whether a forked child process can work beside this one: the one test for the shell's
two-process paths (a CSV read while it routes, a backtest's second side)."""

from __future__ import annotations

import multiprocessing
import os
import sys


def fork_helps() -> bool:
    """True on Linux with a second core to run the child. macOS has fork, but its system
    libraries are not safe in a forked child; Windows has none."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and (cores or 1) > 1
    )
