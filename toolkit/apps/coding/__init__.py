"""The qualitative coding app (several coders, blind mode, agreement, codebook changes)."""

from toolkit.apps.coding.app import CodingApp, coding_app
from toolkit.apps.coding.span import SpanText

__all__ = ["CodingApp", "SpanText", "coding_app"]
