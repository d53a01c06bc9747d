"""Metrics: pure, typed functions on DataFrames and the serving database. Never imports dash."""
