"""Loaders: official files in, validated tables out.

Each module reads one kind of source. Nothing here reads a file at import time and nothing
imports dash: the dashboard, the command line and the tests all go through these functions.
"""
