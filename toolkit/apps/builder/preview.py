"""The live preview of the page being edited, drawn by the field app's own
:class:`~toolkit.apps.collect.renderer.FormRenderer`, and the « tester » mode: fill the page
and see which questions appear."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.renderer import FormRenderer
from toolkit.apps.common.html import esc
from toolkit.builder.tester import fill_page
from toolkit.collect import Form

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp
    from toolkit.instruments import Instrument, Question

__all__ = ["Preview"]


class Preview:
    """The page holding the selected question, as a mediator will see it."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        self.renderer: FormRenderer | None = None
        self.tester = widgets.ToggleButton(description=tr("builder.app.tester"), icon="flask")
        self.tester.add_class("mt-tester")
        self.tester.layout.width = "auto"
        self.tester.observe(lambda _c: self._tester_changed(), "value")
        self.again = widgets.Button(description=tr("builder.app.tester.again"), icon="refresh")
        self.again.add_class("mt-tester-again")
        self.again.layout.width = "auto"
        self.again.layout.display = "none"
        self.variant = 0
        self.again.on_click(lambda _b: self.fill(self.variant + 1))
        self.instrument: Instrument | None = None
        self.ref: str | None = None
        self.filled: list[str] = []
        self.summary = widgets.HTML()
        self.summary.add_class("mt-tester-summary")
        self.holder = widgets.VBox()
        self.holder.add_class("mt-preview")
        self.unavailable = widgets.HTML()
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{tr('builder.app.preview')}</h3>"),
                widgets.HBox([self.tester, self.again]),
                self.summary,
                self.unavailable,
                self.holder,
            ]
        )
        self.box.add_class("mt-preview-box")

    def _tester_changed(self) -> None:
        """« Tester » on: the page is filled with plausible answers; off: emptied again."""
        self.again.layout.display = None if self.tester.value else "none"
        self.variant = 0
        self.show(self.instrument, self.ref)

    def fill(self, variant: int) -> None:
        """Fill the page anew, with the answers of ``variant`` (« Autres réponses »)."""
        self.variant = variant
        self.show(self.instrument, self.ref)

    def show(self, instrument: Instrument | None, ref: str | None) -> None:
        """Draw the page of ``ref`` (the draft's instrument as it is now); in « tester »
        mode, filled with plausible answers."""
        self.instrument, self.ref = instrument, ref
        if instrument is None:
            self.unavailable.value = (
                f"<p class='mt-warn'>{esc(self.app.tr('builder.app.preview_invalid'))}</p>"
            )
            self.holder.layout.display = "none"
            self.summary.value = ""
            return
        self.unavailable.value = ""
        self.holder.layout.display = None
        form = Form(instrument)
        if self.renderer is None:
            self.renderer = FormRenderer(
                form,
                lang=self.app.lang,
                prefetch=False,
                on_change=self.summarise,
                on_page=self.summarise,
            )
            self.holder.children = [self.renderer.box]
        else:
            self.renderer.set_form(form)
            self.renderer.set_language(self.app.lang)
        top = ref.split("/")[0] if ref else None
        index = next((i for i, page in enumerate(form.pages) if page.name == top), None)
        if index is None and ref:
            name = ref.split("/")[-1]
            index = next(
                (
                    i
                    for i, page in enumerate(form.pages)
                    if any(q.name == name for q in _flat(page.items))
                ),
                0,
            )
        form.page_index = index or 0
        self.filled = (
            fill_page(form, variant=self.variant, lang=self.app.lang) if self.tester.value else []
        )
        self.renderer.render_page()
        self.summarise()

    def summarise(self) -> None:
        """In « tester » mode, say which questions of the page appear with the answers given."""
        if self.renderer is None or not self.tester.value:
            self.summary.value = ""
            return
        form = self.renderer.form
        lang = self.app.lang
        shown: list[str] = []
        hidden: list[str] = []
        for question in _flat(form.page.items):
            if question.type in ("group", "repeat", "likert_matrix"):
                continue
            label = question.label.get(lang) if question.label else question.name
            (shown if form.shown(question.name) else hidden).append(label)
        tr = self.app.tr
        parts = [
            f"<p class='mt-hint'>{esc(tr('builder.app.tester.filled', n=len(self.filled)))}</p>",
            f"<p><b>{esc(tr('builder.app.tester.shown', n=len(shown)))}</b> {esc(' · '.join(shown))}</p>",
        ]
        if hidden:
            parts.append(
                f"<p><b>{esc(tr('builder.app.tester.hidden', n=len(hidden)))}</b> {esc(' · '.join(hidden))}</p>"
            )
        self.summary.value = "".join(parts)


def _flat(items: Iterable[Question]) -> Iterator[Question]:
    for item in items:
        yield item
        yield from _flat(item.children)
