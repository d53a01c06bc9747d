"""Callbacks: thin glue from inputs to metrics/queries to layouts."""
