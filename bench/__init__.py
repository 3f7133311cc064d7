"""Benchmarks at a national developer's size: the scale generator and `make bench` (bench.run)."""
