"""The app « Créer un questionnaire »: a start screen, then the editor (outline, the selected
question's settings, its choices, its skip logic and constraint in words, the live preview
and saving).

Every edit goes through :mod:`toolkit.builder` (no YAML here); the editor redraws the outline,
the panels and the preview after each one. Every child widget a test needs is a public
attribute, so tests drive the app from Python and the browser suite drives it served.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.builder.logic import LogicPanel
from toolkit.apps.builder.outline import Outline
from toolkit.apps.builder.preview import Preview
from toolkit.apps.builder.question import ChoicePanel, QuestionPanel
from toolkit.apps.builder.saving import SavePanel
from toolkit.apps.builder.start import StartScreen
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.page import PageBridge
from toolkit.apps.common.style import style
from toolkit.builder import ChoiceRow, Draft
from toolkit.builder.lists import SharedList, shared_lists
from toolkit.collect import database_url, surveys_dir
from toolkit.errors import ToolkitError
from toolkit.i18n import t
from toolkit.instruments import Instrument

if TYPE_CHECKING:
    from toolkit.store import Store

__all__ = ["BUILDER_CSS", "BuilderApp", "builder_app"]

#: Two columns on a wide screen (editing beside the preview), one on a phone or a tablet.
BUILDER_CSS = """
<style>
.mt-builder .mt-side-by-side > .mt-question { flex: 1 1 14em; min-width: 0; }
.mt-builder .mt-columns { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.mt-builder .mt-columns > .mt-col { flex: 1 1 22em; min-width: 0; }
.mt-builder .mt-outline .widget-radio-box { max-height: 24em; overflow-y: auto; width: 100%;
  border: 1px solid #9aa; border-radius: 6px; padding: 4px 6px; box-sizing: border-box; }
.mt-builder .mt-outline .widget-radio-box label { white-space: normal; overflow-wrap: anywhere;
  line-height: 1.35; height: auto; min-height: 2.2em; width: auto; font-size: 17px;
  display: flex; align-items: center; gap: 6px; margin: 0; }
.mt-builder .mt-outline .widget-radio-box input { flex: 0 0 auto; }
.mt-builder .mt-preview { border: 2px dashed #8aa; border-radius: 8px; padding: 6px; }
.mt-builder h3 { margin: 14px 0 4px; }
.mt-builder code { overflow-wrap: anywhere; }
</style>
"""


class BuilderApp:
    """« Créer un questionnaire ».

    Parameters
    ----------
    folder
        Where instruments are read and saved (default: the ``surveys/`` folder the field app
        reads, :func:`toolkit.collect.surveys_dir`).
    store_url
        The database asked for responses (versions) and where saved versions are registered
        (default: the app's database).
    lang
        Language of the interface (French by default).
    """

    def __init__(
        self, *, folder: Path | None = None, store_url: str | None = None, lang: str = "fr"
    ) -> None:
        self.folder = Path(folder) if folder is not None else surveys_dir()
        self.store_url = store_url
        self._store: Store | None = None
        self.lang = lang if lang in ("fr", "en") else "fr"
        self.draft: Draft | None = None
        self.instrument: Instrument | None = None
        self.selected: str | None = None
        self._shared: list[SharedList] | None = None
        self._redrawing = False
        self.bridge = PageBridge(lang=self.lang)
        self.lang_switch = language_switch(("fr", "en"), self.lang)
        self.lang_switch.observe(self._language_changed, "value")
        self.title = widgets.HTML()
        self.status = widgets.HTML()
        self.status.add_class("mt-builder-status")
        self.body = widgets.VBox()
        self.root = widgets.VBox(
            [
                style(),
                widgets.HTML(BUILDER_CSS),
                self.bridge,
                widgets.HBox([self.lang_switch]),
                self.title,
                self.status,
                self.body,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-builder")
        self.show_start()

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return self.root._repr_mimebundle_(**kwargs)

    @property
    def editing(self) -> Draft:
        """The draft the editor shows (the editor exists only once :meth:`open` was called)."""
        if self.draft is None:
            raise RuntimeError("the builder's editor is used before a draft is open")
        return self.draft

    # ------------------------------------------------------------------ shared

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def explain(self, error: ToolkitError | OSError) -> str:
        """An error's problems in the interface's language, one sentence each (a file
        system error, which has none, by its own message)."""
        if isinstance(error, ToolkitError) and error.problems:
            return " ; ".join(p.message(self.lang) for p in error.problems)
        return str(error)

    def where(self, where: str) -> str:
        """A place of the draft by its label (« Questionnaire », a question, a list)."""
        if not where:
            return self.tr("builder.app.where.instrument")
        if where.startswith("liste:"):
            return self.tr("builder.app.where.list", name=where.split(":", 1)[1])
        draft = self.editing
        refs = {q.ref for q in draft.questions()}
        ref = where if where in refs else where.rsplit("/", 1)[0]
        if ref not in refs:
            return where
        label = draft.texts(ref, "label")
        text = label.get(self.lang) or next(iter(label.values()), ref)
        return text if ref == where else self.tr("builder.app.where.choice", question=text)

    def store(self) -> Store | None:
        """The database (opened once), or ``None`` when it cannot be reached."""
        if self._store is None:
            from toolkit.store import connect

            try:
                self._store = connect(self.store_url or database_url())
            except ToolkitError:
                return None
        return self._store

    def _language_changed(self, change: dict) -> None:
        self.lang = change["new"]
        self.bridge.set_language(self.lang, self.tr("builder.app.page_title"))
        if self.draft is None:
            self.show_start()
        else:
            self._build_editor()

    # ------------------------------------------------------------------ screens

    def show_start(self) -> None:
        self.title.value = f"<h2>{esc(self.tr('builder.app.page_title'))}</h2>"
        self.bridge.set_language(self.lang, self.tr("builder.app.page_title"))
        self.start_screen = StartScreen(self)
        self.body.children = [self.start_screen.box]

    def open(self, draft: Draft, warnings: tuple = ()) -> None:
        """Edit ``draft`` (the import's ``warnings`` said once on top)."""
        self.draft = draft
        self.selected = None
        self._build_editor()
        if warnings:
            self.status.value = "".join(
                message("warn", w.message(self.lang), block=True) for w in warnings
            )

    def _build_editor(self) -> None:
        self.outline = Outline(self)
        self.question_panel = QuestionPanel(self)
        self.choice_panel = ChoicePanel(self)
        self.relevant_panel = LogicPanel(self, "relevant")
        self.constraint_panel = LogicPanel(self, "constraint")
        self.preview = Preview(self)
        self.save_panel = SavePanel(self)
        self.outline.select.observe(self._selected, "value")
        editing = widgets.VBox(
            [
                self.outline.box,
                widgets.HTML(f"<h3>{esc(self.tr('builder.app.question'))}</h3>"),
                self.question_panel.box,
                self.choice_panel.box,
                self.relevant_panel.box,
                self.constraint_panel.box,
            ]
        )
        editing.add_class("mt-col")
        side = widgets.VBox([self.preview.box, self.save_panel.box])
        side.add_class("mt-col")
        columns = widgets.HBox([editing, side])
        columns.add_class("mt-columns")
        self.body.children = [columns]
        self.redraw()

    def redraw(self) -> None:
        """Outline, panels and preview after an edit."""
        draft = self.draft
        if draft is None:
            return
        self.instrument, _problems = draft.check()
        title = draft.texts(None, "title")
        self.title.value = f"<h2>{esc(title.get(self.lang) or next(iter(title.values()), ''))}</h2>"
        self._redrawing = True
        try:
            self.outline.refresh(self.selected)
        finally:
            self._redrawing = False
        self.selected = self.outline.select.value
        self._show_selected()
        self.save_panel.refresh()

    def _selected(self, change: dict) -> None:
        if change["new"] is None or change["new"] == self.selected or self._redrawing:
            return
        self.selected = change["new"]
        self.status.value = ""
        self._show_selected()

    def _show_selected(self) -> None:
        ref = self.selected
        if ref is None:
            return
        self.question_panel.show(ref)
        self.choice_panel.show(ref)
        self.relevant_panel.show(ref, self.instrument)
        self.constraint_panel.show(ref, self.instrument)
        self.preview.show(self.instrument, ref)

    # ------------------------------------------------------------------ edits

    def edit(
        self, action: Callable[[], object], *, select: str | None = None, ok: str | None = None
    ) -> bool:
        """Run one edit; a refusal is said on top and changes nothing."""
        try:
            result = action()
        except ToolkitError as error:
            self.status.value = message("error", self.explain(error), block=True)
            return False
        if select is not None:
            self.selected = select
        elif isinstance(result, str) and result:
            self.selected = result
        self.status.value = message("ok", ok, block=True) if ok else ""
        self.redraw()
        return True

    def add_question(self) -> None:
        draft = self.editing
        ref = self.selected
        qtype = self.outline.new_type.value
        found = draft.find(ref) if ref else None
        if found is None:
            parent, position = None, None
        elif found.type in ("group", "repeat") or (
            len(found.path) == 1 and draft.layout == "sections"
        ):
            parent, position = found.ref, None
        else:
            parent = "/".join(found.path[:-1]) or None
            position = found.index + 1
        name = draft.free_name("question")
        label = {
            draft.default_language: self.tr(
                "builder.app.new_question", type=t(f"builder.type.{qtype}", self.lang)
            )
        }
        self.edit(
            lambda: draft.add_question(name, qtype, parent=parent, position=position, label=label)
        )

    def add_section(self) -> None:
        draft = self.editing
        found = draft.find(self.selected) if self.selected else None
        position = None
        if found is not None:
            top = draft.find(found.path[0])
            position = top.index + 1
        name = draft.free_name("section")
        self.edit(lambda: draft.add_section(name, position=position))

    def structure(self, what: str) -> None:
        draft = self.editing
        ref = self.selected
        if ref is None:
            return
        if what == "up":
            self.edit(lambda: draft.move_up(ref))
        elif what == "down":
            self.edit(lambda: draft.move_down(ref))
        elif what == "duplicate":
            self.edit(lambda: draft.duplicate(ref))
        elif what == "delete":
            parent = draft.parent_of(ref)
            if self.edit(lambda: draft.delete(ref), select=parent or ""):
                self.status.value = message("ok", self.tr("builder.app.deleted"), block=True)

    def undo(self) -> None:
        self.edit(self.editing.undo, ok=self.tr("builder.app.undone"))

    def apply_question(self) -> None:
        """Apply the settings panel to the selected question (all or nothing)."""
        draft = self.editing
        ref = self.selected
        if ref is None:
            return
        try:
            edits = self.question_panel.changes(ref)
        except ToolkitError as error:
            self.status.value = message("error", self.explain(error), block=True)
            return
        if not edits:
            return

        def run() -> str:
            done = 0
            current = ref
            try:
                for method, *args in edits:
                    if method == "rename":
                        current = draft.rename(current, *args[1:])
                    elif method == "set_role":
                        draft.set_role(*args)
                    elif method == "set_bounds":
                        draft.set_bounds(current, minimum=args[1], maximum=args[2])
                    else:
                        getattr(draft, method)(current, *args[1:])
                    done += 1
            except ToolkitError:
                for _ in range(done):
                    draft.undo()
                raise
            return current

        self.edit(run, ok=self.tr("builder.app.applied"))

    def set_expression(self, key: str, text: str) -> None:
        ref = self.selected
        if ref is not None:
            self.edit(lambda: self.editing.set_expression(ref, key, text))

    # ------------------------------------------------------------------ choices

    def _list_ref(self) -> str | None:
        info = self.editing.list_of(self.selected) if self.selected else None
        return None if info is None else (self.selected if info.inline else info.name)

    def apply_choice(self) -> None:
        panel = self.choice_panel
        list_ref = self._list_ref()
        old = panel.choice.value
        if list_ref is None or old is None:
            return
        draft = self.editing
        row = next((r for r in panel.rows if r.code == old), ChoiceRow(old, {}))

        def run() -> None:
            done = 0
            try:
                for lang, box in panel.labels.items():
                    if box.value.strip() != row.labels.get(lang, ""):
                        draft.set_choice_label(list_ref, old, box.value.strip(), lang)
                        done += 1
                if panel.missing.value != row.missing:
                    draft.set_choice_missing(list_ref, old, panel.missing.value)
                    done += 1
                new = panel.code.value.strip()
                if new != old:
                    draft.rename_choice(list_ref, old, new)
                    panel.choice.value = None
            except ToolkitError:
                for _ in range(done):
                    draft.undo()
                raise

        self.edit(run, ok=self.tr("builder.app.applied"))

    def shared_lists(self) -> list[SharedList]:
        """The lists of the catalogue and the reference lists (read once per app)."""
        if self._shared is None:
            self._shared = shared_lists(self.folder)
        return self._shared

    def use_shared_list(self) -> None:
        """Give the selected question the list picked in « Utiliser une liste partagée »."""
        key = self.choice_panel.shared_pick.value
        entry = next((e for e in self.shared_lists() if e.key == key), None)
        if entry is None or self.selected is None:
            return
        draft = self.editing
        found = draft.find(self.selected)
        ref = "/".join(found.path[:-1]) if found.is_matrix_item else found.ref
        title = entry.title.get(self.lang) if entry.title is not None else entry.preview(self.lang)
        if self.edit(
            lambda: draft.use_rows(ref, entry.name, entry.rows),
            select=self.selected,
            ok=self.tr("builder.app.shared.applied", title=title),
        ):
            self.choice_panel.shared_pick.value = ""

    def add_choice(self) -> None:
        list_ref = self._list_ref()
        if list_ref is None:
            return
        draft = self.editing
        info = draft.choices(list_ref)
        numbers = [int(c) for c in info.codes() if c.lstrip("-").isdigit()]
        code = str(max(numbers, default=0) + 1)
        label = {draft.default_language: self.tr("builder.app.choice.new")}
        if self.edit(lambda: draft.add_choice(list_ref, code, label)):
            self.choice_panel.choice.value = code

    def delete_choice(self) -> None:
        list_ref = self._list_ref()
        code = self.choice_panel.choice.value
        if list_ref is not None and code is not None:
            self.edit(
                lambda: self.editing.delete_choice(list_ref, code),
                ok=self.tr("builder.app.deleted"),
            )

    def after_save(self) -> None:
        """The draft was saved: its new state is the one to compare with from now on."""
        self.redraw()


def builder_app(*, lang: str | None = None, query: str | None = None) -> BuilderApp:
    """The app for the notebook (``?lang=en`` in the address for English).

    Examples
    --------
    The builder over a folder holding a copy of the shortest catalogue instrument
    (``TOOLKIT_SURVEYS`` names the folder, as for the field app). « Modifier un
    questionnaire existant » opens it in the editor, its sections listed by their labels:

    >>> import os, shutil, tempfile
    >>> from unittest import mock
    >>> folder = tempfile.mkdtemp()
    >>> _ = shutil.copy("surveys/satisfaction_concertation.yaml", folder)
    >>> with mock.patch.dict(os.environ, {"TOOLKIT_SURVEYS": folder}):
    ...     app = builder_app()
    >>> app.title.value
    '<h2>Créer un questionnaire</h2>'
    >>> [title for title, _path in app.start_screen.source.options]
    ['Satisfaction après une concertation ou une médiation']
    >>> app.start_screen.origin.value = "edit"
    >>> app.start_screen.begin.click()
    >>> app.title.value
    '<h2>Satisfaction après une concertation ou une médiation</h2>'
    >>> for label, ref in app.outline.select.options:
    ...     if "/" not in ref:
    ...         print(label)
    Contexte — Section (page)
    Votre avis — Section (page)
    Pour mieux vous connaître (facultatif) — Section (page)

    The outline holds the three sections and the 20 questions and table rows under them;
    the draft loads, so it can be saved:

    >>> len(app.outline.select.options), app.save_panel.save_button.disabled
    (23, False)
    >>> shutil.rmtree(folder)
    """
    from toolkit.apps.common.page import page_query

    asked = page_query(query or "").get("lang", "")
    chosen = lang or (asked if asked in ("fr", "en") else "fr")
    return BuilderApp(lang=chosen)
