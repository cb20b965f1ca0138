"""The error raised by the qualitative-analysis part of the toolkit (codes ``Q0xx``)."""

from __future__ import annotations

from toolkit.errors import Problem, ToolkitError

__all__ = ["QualError", "qual_error"]


class QualError(ToolkitError, ValueError):
    """A codebook, a document, a coding or an exchange file was refused (codes ``Q0xx``)."""


def qual_error(
    key: str,
    /,
    *,
    file: str | None = None,
    line: int | None = None,
    field: str | None = None,
    **params: object,
) -> QualError:
    """A :class:`QualError` holding one coded problem (``key`` is its code, e.g. ``Q030``)."""
    return QualError(problems=[Problem(key, params, file, line, field)])
