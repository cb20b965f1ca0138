"""The start screen: a blank questionnaire, a copy of a catalogue one, one to edit, or an
XLSForm to import."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.start import field
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.builder import Draft, copy_draft, draft_from_xlsform, new_draft, open_draft
from toolkit.collect import instrument_files
from toolkit.errors import ToolkitError
from toolkit.instruments import load

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp

__all__ = ["XLSFORM_SUFFIXES", "StartScreen", "catalogue_choices"]

#: The XLSForm files the start screen reads.
XLSFORM_SUFFIXES = (".xlsx", ".xls", ".csv", ".md")


def catalogue_choices(folder: Path, lang: str) -> list[tuple[str, str]]:
    """(title, path) of each valid instrument of ``folder``, by title."""
    out = []
    for path in instrument_files(folder):
        try:
            instrument = load(path)
        except ToolkitError:
            continue
        out.append((instrument.title.get(lang), str(path)))
    return sorted(out)


class StartScreen:
    """Where the new draft comes from, then *Commencer*."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        self.origin = widgets.RadioButtons(
            options=[
                (tr("builder.app.start.new"), "new"),
                (tr("builder.app.start.copy"), "copy"),
                (tr("builder.app.start.edit"), "edit"),
                (tr("builder.app.start.xlsform"), "xlsform"),
            ],
            value="new",
        )
        self.origin.add_class("mt-origin")
        self.origin.observe(lambda _c: self.update(), "value")
        self.source = widgets.Dropdown(options=catalogue_choices(app.folder, app.lang))
        self.source.add_class("mt-source")
        self.new_id = widgets.Text(placeholder=tr("builder.app.start.id_placeholder"))
        self.new_id.add_class("mt-new-id")
        self.new_title = widgets.Text(placeholder=tr("builder.app.start.title_placeholder"))
        self.new_title.add_class("mt-new-title")
        self.upload = widgets.FileUpload(
            accept=",".join(XLSFORM_SUFFIXES),
            multiple=False,
            description=tr("builder.app.start.upload"),
            icon="upload",
        )
        self.upload.add_class("mt-xlsform-upload")
        self.upload.layout.width = "auto"
        self.upload.observe(lambda _c: self._uploaded(), "value")
        self.upload_name = widgets.HTML()
        self.upload_name.add_class("mt-upload-name")
        self.skip_unsupported = widgets.Checkbox(
            description=tr("builder.app.start.skip_unsupported"), indent=False
        )
        self.skip_unsupported.add_class("mt-skip-unsupported")
        self.begin = widgets.Button(description=tr("builder.app.start.begin"), icon="play")
        self.begin.button_style = "success"
        self.begin.layout.width = "auto"
        self.begin.on_click(lambda _b: self.start())
        self.start_message = widgets.HTML()
        self.source_field = field(tr("builder.app.start.source"), self.source)
        self.id_field = field(tr("builder.app.start.id"), self.new_id)
        self.title_field = field(tr("builder.app.start.title"), self.new_title)
        self.xlsform_field = widgets.VBox(
            [
                field(tr("builder.app.start.xlsform_file"), self.upload),
                self.upload_name,
                self.skip_unsupported,
            ]
        )
        self.box = widgets.VBox(
            [
                field(tr("builder.app.start.origin"), self.origin),
                self.source_field,
                self.xlsform_field,
                self.id_field,
                self.title_field,
                self.begin,
                self.start_message,
            ]
        )
        self.update()

    def update(self) -> None:
        """Show only the fields the chosen start needs."""
        origin = self.origin.value
        self.source_field.layout.display = None if origin in ("copy", "edit") else "none"
        self.xlsform_field.layout.display = None if origin == "xlsform" else "none"
        asks_id = origin in ("new", "copy")
        self.id_field.layout.display = None if asks_id else "none"
        self.title_field.layout.display = None if asks_id else "none"

    def draft(self) -> tuple[Draft, tuple]:
        """The draft the fields ask for, and the import's warnings (an XLSForm)."""
        origin = self.origin.value
        lang = self.app.lang
        new_id = self.new_id.value.strip()
        title = self.new_title.value.strip()
        if origin == "new":
            return new_draft(new_id, title, lang=lang), ()
        if origin == "xlsform":
            return self._from_upload()
        if self.source.value is None:
            raise ToolkitError(self.app.tr("builder.app.start.no_source"))
        if origin == "copy":
            return copy_draft(self.source.value, new_id, title={lang: title} if title else None), ()
        return open_draft(self.source.value), ()

    def _uploaded(self) -> None:
        files = self.upload.value
        self.upload_name.value = (
            f"<p class='mt-hint'>{esc(self.app.tr('builder.app.start.uploaded', file=files[0]['name']))}</p>"
            if files
            else ""
        )

    def _from_upload(self) -> tuple[Draft, tuple]:
        """The uploaded form read as a draft (kept under its own name while read, so that
        the messages name it)."""
        files = self.upload.value
        if not files:
            raise ToolkitError(self.app.tr("builder.app.start.no_file"))
        upload = files[0]
        name = Path(str(upload["name"])).name or "formulaire.xlsx"
        if Path(name).suffix.lower() not in XLSFORM_SUFFIXES:
            raise ToolkitError(
                self.app.tr(
                    "builder.app.start.bad_file", file=name, kinds=", ".join(XLSFORM_SUFFIXES)
                )
            )
        with tempfile.TemporaryDirectory(prefix="createur-") as folder:
            path = Path(folder) / name
            path.write_bytes(bytes(upload["content"]))
            return draft_from_xlsform(
                path, language=self.app.lang, skip_unsupported=self.skip_unsupported.value
            )

    def start(self) -> None:
        try:
            draft, warnings = self.draft()
        except ToolkitError as error:
            self.start_message.value = message("error", self.app.explain(error), block=True)
            return
        self.start_message.value = ""
        self.app.open(draft, warnings)
