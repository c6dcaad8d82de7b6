"""Time to hash one password: argon2-cffi's defaults (what the app used) against OWASP's baseline (what it uses).

Sign-in is CPU-bound on the hash, so this time, times the people signing in at once, over the
cores, is the queue a sign-in rush builds. Bounded: a fixed number of hashes per setting.
Run: `make bench` or `python -m benchmarks.bench_passwords`.
"""

import os
import statistics
import sys
import time

from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY

from pmcohort.core.passwords import OWASP_ARGON2ID

ROUNDS = 20
SETTINGS = {"before: RFC 9106 low memory": RFC_9106_LOW_MEMORY, "after: OWASP baseline": OWASP_ARGON2ID}


def _median_ms(hasher: PasswordHasher) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per hash (p > 1 spreads one hash over threads: CPU is what a rush queues on)."""
    hasher.hash("warm-up password")
    wall, cpu = [], []
    for round_number in range(ROUNDS):
        started, started_cpu = time.perf_counter(), time.process_time()
        hasher.hash(f"correct horse battery {round_number}")
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def main() -> int:
    print(f"Argon2id, median of {ROUNDS} hashes, {os.cpu_count()} cores (shared: figures are pessimistic)")
    print(f"{'parameters':<30}{'m MiB':>7}{'t':>4}{'p':>4}{'wall ms':>10}{'CPU ms':>10}")
    figures = {}
    for name, parameters in SETTINGS.items():
        figures[name] = _median_ms(PasswordHasher.from_parameters(parameters))
        print(
            f"{name:<30}{parameters.memory_cost // 1024:>7}{parameters.time_cost:>4}{parameters.parallelism:>4}{figures[name][0]:>10.1f}{figures[name][1]:>10.1f}"
        )
    before, after = figures.values()
    print(
        f"a hash now takes {after[0] / before[0]:.0%} of the wall-clock time and {after[1] / before[1]:.0%} of the CPU time it took"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
