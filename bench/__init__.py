"""Benchmarks of the hub (``make bench`` → ``python -m bench.run``), one module per target.

Every figure is printed beside a baseline measured in the same run on the same machine, so a
loaded or slow machine shows up in both and the ratio stays meaningful. Nothing here is a
test: no timed assertions live in ``tests/``.
"""
