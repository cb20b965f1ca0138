"""Saving: missing translations and what the builder keeps untouched listed first, changes
that would damage answers already collected explained and confirmed, then the file written
(a new version when answers exist) and the XLSForm export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.builder.saving import ARCHIVE_FOLDER, SavePlan, plan_save, save_version
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.apps.builder.app import BuilderApp

__all__ = ["SavePanel"]


class SavePanel:
    """*Enregistrer*, the confirmation of damaging changes, *Exporter en XLSForm*."""

    def __init__(self, app: BuilderApp) -> None:
        self.app = app
        tr = app.tr
        self.missing = widgets.HTML()
        self.missing.add_class("mt-missing")
        self.untouched = widgets.HTML()
        self.untouched.add_class("mt-untouched")
        self.problems = widgets.HTML()
        self.problems.add_class("mt-problems")
        self.save_button = widgets.Button(
            description=tr("builder.app.save"), icon="save", button_style="success"
        )
        self.save_button.add_class("mt-save")
        self.save_button.on_click(lambda _b: self.save())
        self.export_button = widgets.Button(
            description=tr("builder.app.export"), icon="file-excel-o"
        )
        self.export_button.add_class("mt-export")
        self.export_button.on_click(lambda _b: self.export())
        self.warning = widgets.HTML()
        self.warning.add_class("mt-damage")
        self.confirm_button = widgets.Button(
            description=tr("builder.app.confirm"),
            icon="exclamation-triangle",
            button_style="danger",
        )
        self.confirm_button.add_class("mt-confirm")
        self.confirm_button.on_click(lambda _b: self.save(confirmed=True))
        self.cancel_button = widgets.Button(description=tr("builder.app.cancel"))
        self.cancel_button.on_click(lambda _b: self.cancel())
        for button in (
            self.save_button,
            self.export_button,
            self.confirm_button,
            self.cancel_button,
        ):
            button.layout.width = "auto"
        self.confirm_box = widgets.VBox(
            [self.warning, widgets.HBox([self.confirm_button, self.cancel_button])]
        )
        self.confirm_box.layout.display = "none"
        self.result = widgets.HTML()
        self.result.add_class("mt-save-result")
        self.box = widgets.VBox(
            [
                widgets.HTML(f"<h3>{tr('builder.app.saving')}</h3>"),
                self.problems,
                self.missing,
                self.untouched,
                widgets.HBox([self.save_button, self.export_button]),
                self.confirm_box,
                self.result,
            ]
        )
        self.box.add_class("mt-save-box")
        self.plan: SavePlan | None = None

    def refresh(self) -> None:
        """List what the draft lacks before it can be saved well."""
        app = self.app
        draft = app.editing
        tr = app.tr
        problems = draft.problems
        self.problems.value = "".join(
            message("error", p.message(app.lang), block=True) for p in problems
        )
        missing = draft.missing_translations()
        if missing:
            items = "".join(
                f"<li>{esc(app.where(m.where))} — {esc(tr(f'builder.app.field.{m.key}'))} "
                f"({esc(tr(f'builder.app.lang.{m.lang}'))}) : « {esc(m.source)} »</li>"
                for m in missing
            )
            self.missing.value = f"<p class='mt-warn'>{esc(tr('builder.app.missing', n=len(missing)))}</p><ul>{items}</ul>"
        else:
            self.missing.value = f"<p class='mt-ok'>{esc(tr('builder.app.missing.none'))}</p>"
        kept = draft.untouched()
        if kept:
            items = "".join(
                f"<li>{esc(app.where(u.where))} — <code>{esc(u.key)}</code> : {esc(u.preview)}</li>"
                for u in kept
            )
            self.untouched.value = (
                f"<p><b>{esc(tr('builder.app.untouched', n=len(kept)))}</b></p><ul>{items}</ul>"
            )
        else:
            self.untouched.value = ""
        self.save_button.disabled = bool(problems)
        self.export_button.disabled = bool(problems)

    def cancel(self) -> None:
        self.plan = None
        self.confirm_box.layout.display = "none"
        self.warning.value = ""

    def save(self, *, confirmed: bool = False) -> None:
        app = self.app
        tr = app.tr
        try:
            if not confirmed or self.plan is None:
                self.plan = plan_save(app.editing, app.folder, store=app.store())
            plan = self.plan
            if plan.needs_confirmation and not confirmed:
                items = "".join(f"<li>{esc(c.explain(app.lang))}</li>" for c in plan.changes)
                self.warning.value = (
                    f"<div class='mt-warn' role='alert'>{esc(tr('builder.app.damage', n=len(plan.changes)))}"
                    f"<ul>{items}</ul>{esc(tr('builder.app.damage.version', version=plan.version))}</div>"
                )
                self.confirm_box.layout.display = None
                self.result.value = ""
                return
            path = save_version(app.editing, plan, store=app.store(), confirmed=confirmed)
        except ToolkitError as error:
            self.result.value = message("error", app.explain(error), block=True)
            return
        self.cancel()
        key = "builder.app.saved.version" if plan.new_version else "builder.app.saved"
        text = tr(key, file=path.name, version=plan.version, archive=ARCHIVE_FOLDER)
        link = f"collecte.ipynb?instrument={plan.instrument_id}"
        self.result.value = (
            message("ok", text, block=True)
            + f"<p><a class='mt-collect-link' href='{esc(link)}' target='_blank'>{esc(tr('builder.app.fill'))}</a></p>"
        )
        app.after_save()

    def export(self) -> None:
        app = self.app
        try:
            folder = app.folder / "xlsform"
            folder.mkdir(parents=True, exist_ok=True)
            draft = app.editing
            path = draft.export_xlsform(folder / f"{draft.instrument_id}.xlsx")
        except (ToolkitError, OSError) as error:
            self.result.value = message("error", app.explain(error), block=True)
            return
        self.result.value = message(
            "ok", app.tr("builder.app.exported", file=f"xlsform/{path.name}"), block=True
        )
