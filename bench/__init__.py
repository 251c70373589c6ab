"""Benchmark scripts: they print timings and ratios against peers; they never assert on time."""
