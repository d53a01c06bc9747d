"""Benchmarks: the dashboard against a naive baseline, measured side by side in one run."""
