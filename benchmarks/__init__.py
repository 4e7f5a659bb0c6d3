"""Benchmarks and the public eval: scripts that print figures (run with ``python -m``)."""
