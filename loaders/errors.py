"""The one error type loaders and importers raise for bad input."""

from __future__ import annotations


class DataError(ValueError):
    """A source file does not have the shape or content a loader expects.

    The message names the file and, where it applies, the row and column, plus what was expected,
    so that a person can fix the file without reading a traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        self.file = file
        self.row = row
        self.column = column
        where = []
        if file:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
