"""The outline of the draft (sections and questions by their labels) and the structural
edits: add, move, duplicate, delete, undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.builder import BUILDER_TYPES
from toolkit.i18n import t

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp

__all__ = ["Outline", "outline_options"]


def outline_options(app: BuilderApp) -> list[tuple[str, str]]:
    """(indented label, reference) of every section and question, in order."""
    draft = app.editing
    options = []
    for question in draft.questions():
        depth = len(question.path) - 1
        label = draft.texts(question.ref, "label").get(app.lang) or next(
            iter(draft.texts(question.ref, "label").values()), ""
        )
        kind = t(
            f"builder.type.{'section' if depth == 0 and draft.layout == 'sections' else question.type}",
            app.lang,
        )
        prefix = "\u2003" * depth + ("› " if depth else "")
        options.append((f"{prefix}{label or '…'} — {kind}", question.ref))
    return options


class Outline:
    """The list of sections and questions and the buttons that change the structure."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        # Radio buttons, not a list box: a list box cannot wrap a long label, and on a phone
        # the end of the line (the question's type) was cut off.
        self.select = widgets.RadioButtons(layout=widgets.Layout(width="100%"))
        self.select.add_class("mt-outline")
        self.new_type = widgets.Dropdown(
            options=[(t(f"builder.type.{k}", app.lang), k) for k in BUILDER_TYPES],
            value="single_choice",
        )
        self.new_type.add_class("mt-new-type")
        self.add_button = self._button("builder.app.add_question", "plus", app.add_question)
        self.add_section_button = self._button(
            "builder.app.add_section", "plus-square", app.add_section
        )
        self.up_button = self._button("builder.app.up", "arrow-up", lambda: app.structure("up"))
        self.down_button = self._button(
            "builder.app.down", "arrow-down", lambda: app.structure("down")
        )
        self.duplicate_button = self._button(
            "builder.app.duplicate", "copy", lambda: app.structure("duplicate")
        )
        self.delete_button = self._button(
            "builder.app.delete", "trash", lambda: app.structure("delete")
        )
        self.undo_button = self._button("builder.app.undo", "undo", app.undo)
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{tr('builder.app.outline')}</h3>"),
                self.select,
                widgets.HBox(
                    [
                        self.up_button,
                        self.down_button,
                        self.duplicate_button,
                        self.delete_button,
                        self.undo_button,
                    ]
                ),
                widgets.HBox([self.new_type, self.add_button, self.add_section_button]),
            ]
        )
        self.box.add_class("mt-outline-box")

    def _button(self, key: str, icon: str, action: Callable[[], object]) -> widgets.Button:
        button = widgets.Button(description=self.app.tr(key), icon=icon)
        button.layout.width = "auto"
        button.on_click(lambda _b: action())
        return button

    def refresh(self, selected: str | None) -> None:
        """Rewrite the list after an edit, keeping ``selected`` chosen."""
        options = outline_options(self.app)
        refs = [ref for _label, ref in options]
        self.select.options = options
        if selected not in refs:
            selected = refs[0] if refs else None
        self.select.value = selected
        self.undo_button.disabled = not self.app.editing.can_undo
