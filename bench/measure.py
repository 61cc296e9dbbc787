"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(step: Callable[[], object]) -> float:
    """Milliseconds one call of ``step`` takes."""
    started = time.perf_counter()
    step()
    return (time.perf_counter() - started) * 1000


def report(name: str, samples: list[float], *, target_ms: float, unit: str = "steps") -> None:
    """Print median, 95th percentile and maximum against a p95 target."""
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    verdict = "meets" if p95 < target_ms else "MISSES"
    print(
        f"{name}: median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, max {samples[-1]:.1f} ms "
        f"over {len(samples)} {unit} (target p95 < {target_ms:g} ms: {verdict})"
    )
