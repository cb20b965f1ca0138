"""Coded errors of the instrument builder (``B…`` codes of ``messages/builder.yaml``)."""

from __future__ import annotations

from toolkit.errors import Problem, ToolkitError
from toolkit.i18n import Msg, catalogue

__all__ = ["BuilderError", "refuse", "type_label"]


class BuilderError(ToolkitError, ValueError):
    """An edit was refused (unknown question, name taken, a question still in use…).

    Nothing was changed in the draft.
    """


def refuse(code: str, /, **params: object) -> BuilderError:
    """The error for ``code`` with its message parameters, ready to raise."""
    return BuilderError(
        problems=[Problem(code, params, field=str(params.get("ref") or "") or None)]
    )


def type_label(qtype: str) -> Msg:
    """The name of a question type as a mediator reads it (« Choix unique »…)."""
    key = f"builder.type.{qtype}"
    return Msg.of(key if key in catalogue() else "builder.type.other")
