"""Demo data for `make run` and the benchmarks.

It builds rows in every app, so it sits above them all: it may import any app, and no app imports it.
"""
