"""The coding app (``notebooks/codage.ipynb``): several coders, each in their own page.

A coder types their name, then goes through the segments one at a time (or a whole
document), assigns codes to the segment or to a selected span, writes memos, and moves on
with the buttons or Alt+→ / Alt+←. Filters: uncoded, disagreements, one code, one sector.
In blind mode (a reliability sample chosen), only the sample is shown and other coders'
codes stay hidden until the coder has looked at every segment of it. The "Accord" tab shows
the agreement table and the disagreements, each of which opens its segment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from toolkit.apps.coding.span import SpanText
from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.report import ReportOffer
from toolkit.apps.common.style import style
from toolkit.errors import ToolkitError
from toolkit.i18n import Text, t

if TYPE_CHECKING:
    from toolkit.store import Store

__all__ = ["CodingApp", "coding_app"]

_CSS = """<style>
.mt-coding .mt-code-button { border-left: 10px solid #999 !important; }
.mt-coding button.jupyter-button { width: auto !important; max-width: 100%; height: auto;
  min-height: 48px; white-space: normal; overflow: visible; text-overflow: clip; }
.mt-coding .widget-dropdown, .mt-coding .widget-text { max-width: 100% !important; }
.mt-coding .widget-dropdown select { max-width: 100%; }
.mt-coding table.mt-table th, .mt-coding table.mt-table td { overflow-wrap: normal; }
.mt-coding table.mt-table td:first-child { min-width: 9em; }
.mt-coding .widget-dropdown { flex: 1 1 auto; min-width: 0; }
.mt-coding table.mt-table td small { color: #555; white-space: nowrap; }
.mt-coding .mt-code-on { background: #1565c0 !important; color: #fff !important; }
.mt-coding .mt-meta { color: #333; font-size: 16px; }
.mt-coding .mt-chip { display: inline-block; padding: 2px 8px; margin: 2px; border-radius: 12px;
  background: #eef1f5; font-size: 15px; }
</style>"""


class CodingApp:
    """Wire :class:`toolkit.qual.QualProject` to widgets (one instance per Voilà page).

    Child widgets are public so that tests drive the app without a browser.
    """

    def __init__(
        self, store: Store | None = None, *, coder: str | None = None, lang: str = "fr"
    ) -> None:
        from toolkit.qual import QualProject

        if store is None:
            from toolkit.collect import database_url
            from toolkit.store import connect

            store = connect(database_url())
        self.project = QualProject(store)
        self.lang = lang
        self.coder: str | None = None
        self.order: list[int] = []
        self.index = 0
        self.segments = pd.DataFrame()
        self._suggested: list[str] = []
        self.lang_switch = language_switch(("fr", "en"), lang)
        self.lang_switch.observe(lambda _c: self._language(), "value")
        self.coder_box = widgets.Text(value=coder or "", style={"description_width": "initial"})
        self.start_button = widgets.Button(button_style="primary")
        self.start_button.on_click(lambda _b: self.start(self.coder_box.value))
        self.message = widgets.HTML()
        wide = {"style": {"description_width": "initial"}, "layout": widgets.Layout(width="auto")}
        self.sample = widgets.Dropdown(**wide)
        self.filter = widgets.Dropdown(**wide)
        self._quiet = False
        for control in (self.sample, self.filter):
            control.observe(lambda _c: None if self._quiet else self.reload(), "value")
        self.header = widgets.HTML()
        self.blind_html = widgets.HTML()
        self.view = widgets.ToggleButtons(style={"button_width": "auto"})
        self.view.observe(lambda _c: self.show() if self.coder else None, "value")
        #: Document view: (segment id, offset of its text in the shown text, length).
        self._layout: list[tuple[int, int, int]] = []
        self.text = SpanText()
        self.text.on_msg(self._nav_message)
        self.code_buttons: dict[str, widgets.Button] = {}
        self.codes_box = widgets.HBox()
        self.code_colours = widgets.HTML()
        self.none_button = widgets.Button()
        self.none_button.on_click(lambda _b: self.no_code())
        self.previous_button = widgets.Button(icon="arrow-left")
        self.next_button = widgets.Button(icon="arrow-right")
        self.previous_button.on_click(lambda _b: self.move(-1))
        self.next_button.on_click(lambda _b: self.move(1))
        self.codings_html = widgets.HTML()
        self.suggestions_html = widgets.HTML()
        self.accept_button = widgets.Button(button_style="success")
        self.reject_button = widgets.Button()
        self.accept_button.on_click(lambda _b: self.decide("accepted"))
        self.reject_button.on_click(lambda _b: self.decide("rejected"))
        self.memo = widgets.Textarea(layout=widgets.Layout(width="100%", height="80px"))
        self.memo_button = widgets.Button()
        self.memo_button.on_click(lambda _b: self.save_memo())
        self.agreement_html = widgets.HTML()
        self.disagreement = widgets.Dropdown()
        self.disagreement.add_class("mt-disagreements")
        self.open_button = widgets.Button()
        self.open_button.on_click(lambda _b: self.open_disagreement())
        self.refresh_agreement_button = widgets.Button(icon="refresh")
        self.refresh_agreement_button.on_click(lambda _b: self.show_agreement())
        self.report = ReportOffer("qualitatif", lang=lang)
        self.report.button.on_click(lambda _b: self.produce_report())
        self.book_code = widgets.Dropdown()
        self.book_target = widgets.Dropdown()
        self.book_label = widgets.Text()
        self.book_action = widgets.Dropdown()
        self.book_button = widgets.Button(button_style="warning")
        self.book_button.on_click(lambda _b: self.change_codebook())
        self.book_html = widgets.HTML()
        self.coding_page = widgets.VBox(
            [
                self.view,
                self.header,
                self.blind_html,
                self.text,
                self.code_colours,
                self.codes_box,
                widgets.HBox([self.none_button, self.previous_button, self.next_button]),
                self.codings_html,
                self.suggestions_html,
                widgets.HBox([self.accept_button, self.reject_button]),
                self.memo,
                self.memo_button,
            ]
        )
        self.agreement_page = widgets.VBox(
            [
                widgets.HBox([self.refresh_agreement_button, self.report.button]),
                self.report.links,
                self.agreement_html,
                self.disagreement,
                self.open_button,
            ]
        )
        self.book_page = widgets.VBox(
            [
                self.book_action,
                self.book_code,
                self.book_target,
                self.book_label,
                self.book_button,
                self.book_html,
            ]
        )
        self.tabs = widgets.Tab([self.coding_page, self.agreement_page, self.book_page])
        self.tabs.observe(
            lambda c: self.show_agreement() if c["new"] == 1 else None, "selected_index"
        )
        self.root = widgets.VBox(
            [
                style(),
                widgets.HTML(_CSS),
                widgets.HBox([self.lang_switch]),
                widgets.HTML(),
                widgets.HBox([self.coder_box, self.start_button]),
                widgets.HBox([self.sample, self.filter]),
                self.message,
                self.tabs,
            ]
        )
        self.title = self.root.children[3]
        self.root.add_class("mt-app")
        self.root.add_class("mt-coding")
        self.tabs.layout.display = "none"
        self._texts()
        if coder:
            self.start(coder)

    def _repr_mimebundle_(self, **kwargs: object) -> dict:
        return self.root._repr_mimebundle_(**kwargs)

    # -- text ---------------------------------------------------------------------------------
    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def _texts(self) -> None:
        tr = self.tr
        self.title.value = f"<h1>{esc(tr('qual.app.title'))}</h1><p>{esc(tr('qual.app.intro'))}</p>"
        self.coder_box.description = tr("qual.app.coder")
        self.coder_box.placeholder = tr("qual.app.coder_placeholder")
        self.start_button.description = tr("qual.app.start")
        self.sample.description = tr("qual.app.sample")
        self.filter.description = tr("qual.app.filter")
        self.none_button.description = tr("qual.app.no_code")
        self.previous_button.description = tr("qual.app.previous")
        self.next_button.description = tr("qual.app.next")
        self.accept_button.description = tr("qual.app.accept")
        self.reject_button.description = tr("qual.app.reject")
        self.memo.placeholder = tr("qual.app.memo_placeholder")
        self.memo_button.description = tr("qual.app.save_memo")
        self.open_button.description = tr("qual.app.open")
        self.refresh_agreement_button.description = tr("qual.app.refresh")
        self.report.texts(self.lang)
        view = self.view.value or "segment"
        self.view.options = [
            (tr("qual.app.view.segment"), "segment"),
            (tr("qual.app.view.document"), "document"),
        ]
        self.view.value = view
        self.book_code.description = tr("qual.app.book.code")
        self.book_target.description = tr("qual.app.book.target")
        self.book_label.description = tr("qual.app.book.label")
        self.book_button.description = tr("qual.app.book.apply")
        self.book_action.description = tr("qual.app.book.action")
        actions = ("add", "rename", "move", "merge", "retire")
        chosen = self.book_action.value or "add"
        self.book_action.options = [(tr(f"qual.app.book.{a}"), a) for a in actions]
        self.book_action.value = chosen
        for i, key in enumerate(
            ("qual.app.tab.code", "qual.app.tab.agreement", "qual.app.tab.codebook")
        ):
            self.tabs.set_title(i, tr(key))

    def _language(self) -> None:
        self.lang = self.lang_switch.value
        self._texts()
        if self.coder:
            self._options()
            self.show()

    def _error(self, error: ToolkitError) -> None:
        self.message.value = (
            "".join(f'<p class="mt-error">{esc(p.message(self.lang))}</p>' for p in error.problems)
            or f'<p class="mt-error">{esc(error)}</p>'
        )

    # -- session ------------------------------------------------------------------------------
    def start(self, name: str) -> None:
        """Open the corpus for coder ``name``."""
        try:
            self.project.coder_id(name)
            self.project.codebook()
        except ToolkitError as error:
            self._error(error)
            return
        self.coder = " ".join(str(name).split())
        self.message.value = (
            f'<p class="mt-ok">{esc(self.tr("qual.app.hello", coder=self.coder))}</p>'
        )
        self.project.sync()
        self.tabs.layout.display = ""
        self._options()
        self.reload()

    def _label(self, code_id: str) -> str:
        book = self.project.codebook()
        return book.get(code_id).label.get(self.lang) if code_id in book else code_id

    def _options(self) -> None:
        book = self.project.codebook()
        samples = self.project.samples()
        self._quiet = True
        current_sample, current_filter = self.sample.value, self.filter.value
        self.sample.options = [(self.tr("qual.app.all_segments"), "")] + [
            (self.tr("qual.app.blind", name=s), s) for s in samples
        ]
        self.sample.value = current_sample if current_sample in ("", *samples) else ""
        filters = [
            (self.tr("qual.app.filter.all"), "all"),
            (self.tr("qual.app.filter.uncoded"), "uncoded"),
            (self.tr("qual.app.filter.disagreement"), "disagreement"),
        ]
        filters += [
            (self.tr("qual.app.filter.code", code=c.label.get(self.lang)), f"code:{c.id}")
            for c in book.active()
        ]
        self.filter.options = filters
        self.filter.value = current_filter if current_filter in [v for _, v in filters] else "all"
        self._quiet = False
        self.code_buttons = {}
        rows = []
        colours = []
        for code in book.active():
            button = widgets.Button(
                description=book.path(code.id, self.lang), layout=widgets.Layout(width="auto")
            )
            button.add_class("mt-code-button")
            button.add_class(f"mt-code-{code.id}")
            colours.append(
                f".mt-coding .mt-code-{code.id} {{ border-left-color: {book.colour(code.id)} !important; }}"
            )
            button.on_click(lambda _b, c=code.id: self.toggle(c))
            self.code_buttons[code.id] = button
            rows.append(button)
        self.codes_box.children = rows
        self.code_colours.value = "<style>" + "\n".join(colours) + "</style>"
        codes = [(book.path(c.id, self.lang), c.id) for c in book]
        picked, target = self.book_code.value, self.book_target.value
        self.book_code.options = codes
        self.book_code.value = picked if picked in book else codes[0][1] if codes else None
        self.book_target.options = [(self.tr("qual.app.book.top"), "")] + [
            (book.path(c.id, self.lang), c.id) for c in book.active()
        ]
        self.book_target.value = (
            target if target in [v for _, v in self.book_target.options] else ""
        )

    def reload(self) -> None:
        """Apply the sample and filter, and show the first segment."""
        if not self.coder:
            return
        segments = self.project.segments()
        sample = self.sample.value
        if sample:
            segments = segments[segments["segment_id"].isin(self.project.sample(sample))]
        chosen = self.filter.value or "all"
        codings = self.project.codings()
        if chosen == "uncoded":
            seen = set(self.project.reviews().query("coder == @self.coder")["segment_id"])
            segments = segments[~segments["segment_id"].isin(seen)]
        elif chosen == "disagreement":
            from toolkit.qual.reliability import disagreements

            units = set(disagreements(self.project.decisions())["segment_id"])
            segments = segments[segments["segment_id"].isin(units)]
        elif chosen.startswith("code:"):
            code = chosen.split(":", 1)[1]
            segments = segments[
                segments["segment_id"].isin(set(codings.loc[codings["code"] == code, "segment_id"]))
            ]
        self.segments = segments.reset_index(drop=True)
        self.order = [int(s) for s in self.segments["segment_id"]]
        self.index = 0
        self.show()

    # -- one segment --------------------------------------------------------------------------
    @property
    def current(self) -> int | None:
        return self.order[self.index] if self.order else None

    def go_to(self, segment_id: int) -> None:
        """Show ``segment_id`` (the filters are lifted if they hide it)."""
        if segment_id not in self.order:
            self.filter.value = "all"
            self.sample.value = ""
            self.reload()
        if segment_id in self.order:
            self.index = self.order.index(segment_id)
            self.tabs.selected_index = 0
            self.show()

    def move(self, step: int) -> None:
        if self.order:
            self.index = max(0, min(len(self.order) - 1, self.index + step))
            self.show()

    def _nav_message(self, _widget: SpanText, content: object, _buffers: object) -> None:
        if isinstance(content, dict) and content.get("nav") in ("next", "previous"):
            self.move(1 if content["nav"] == "next" else -1)

    def _attributes(self, row: dict) -> list[str]:
        chips = []
        instrument = None
        if isinstance(row.get("instrument_id"), str):
            try:
                instrument = self.project.store.instrument(row["instrument_id"])
            except ToolkitError:
                instrument = None
        for name in (
            "sector",
            "wave",
            "sexe",
            "tranche_age",
            "profil",
            "logement",
            "lieu_passation",
        ):
            value = row.get(name)
            if value is None or (isinstance(value, float) and pd.isna(value)):
                continue
            label = self.tr(f"qual.attr.{name}")
            shown = str(value)
            question = "secteur" if name == "sector" else name
            if instrument is not None:
                try:
                    choices = instrument.choices_of(question)
                except KeyError:
                    choices = None
                choice = choices.get(str(value)) if choices else None
                if choice is not None:
                    shown = choice.label.get(self.lang)
            chips.append(f'<span class="mt-chip">{esc(label)} : {esc(shown)}</span>')
        return chips

    @staticmethod
    def _where(row: dict) -> str:
        """The document as a person would name it (responses: survey title · pseudonym)."""
        if row.get("kind") == "response":
            return str(row.get("document"))
        return f"{row.get('pseudonym') or ''} · {row.get('document')}"

    def show(self) -> None:
        """Draw the current segment, its codings, suggestions and memo."""
        segment = self.current
        if segment is None:
            self.header.value = f"<p>{esc(self.tr('qual.app.nothing'))}</p>"
            self.text.text, self.text.spans = "", []
            self.codings_html.value = self.suggestions_html.value = self.blind_html.value = ""
            return
        row = self.segments.iloc[self.index].to_dict()
        question = row.get("question")
        where = ""
        if isinstance(question, str) and isinstance(row.get("instrument_id"), str):
            try:
                q = self.project.store.instrument(row["instrument_id"]).question(
                    question.split(".")[-1]
                )
                where = q.text(self.lang)
            except (KeyError, ToolkitError):
                where = question
        speaker = row.get("speaker") if isinstance(row.get("speaker"), str) else ""
        progress = self.tr("qual.app.position", n=self.index + 1, total=len(self.order))
        self.header.value = (
            f"<p class='mt-meta'><b>{esc(progress)}</b> · {esc(self._where(row))}</p>"
            f"<p class='mt-meta'>{''.join(self._attributes(row))}</p>"
            + (f"<p class='mt-meta'><i>{esc(where)}</i></p>" if where else "")
            + (f"<p class='mt-meta'><b>{esc(speaker)}</b></p>" if speaker else "")
        )
        self.text.selection = []
        self.text.text = self._display_text(row)
        self.memo.value = self.project.memo("segment", segment, self.coder or "")
        self._draw_codings()

    def _display_text(self, row: dict) -> str:
        """The segment's text, or in document view every turn of its document (current one
        marked ▶), remembering where each segment's text starts."""
        if self.view.value != "document":
            self._layout = [(int(row["segment_id"]), 0, len(str(row["text"])))]
            return str(row["text"])
        document = self.project.segments(with_attributes=False)
        document = document[document["document_id"] == row["document_id"]]
        parts, layout, offset = [], [], 0
        for seg in document.itertuples(index=False):
            head = "▶ " if int(seg.segment_id) == int(row["segment_id"]) else ""
            if isinstance(seg.speaker, str) and seg.speaker:
                head += f"{seg.speaker} : "
            layout.append((int(seg.segment_id), offset + len(head), len(seg.text)))
            parts.append(head + seg.text)
            offset += len(head) + len(seg.text) + 2
        self._layout = layout
        return "\n\n".join(parts)

    def _segment_selection(self) -> tuple[int, int, int] | None:
        """(segment, start, end) of the selection in segment offsets, or ``None``."""
        selection = list(self.text.selection)
        if len(selection) != 2:
            return None
        low, high = int(selection[0]), int(selection[1])
        for segment, start, length in self._layout:
            if start - 1 <= low < start + length or (low < start and high > start):
                a, b = max(low, start) - start, min(high, start + length) - start
                return (segment, a, b) if a < b else None
        return None

    def _blind_note(self) -> None:
        if not self.sample.value:
            self.blind_html.value = ""
            return
        done, total = self.project.sample_progress(self.sample.value, self.coder or "")
        note = self.tr("qual.app.blind_progress", done=done, total=total)
        self.blind_html.value = f'<p class="mt-warn">{esc(note)}</p>'

    def _draw_codings(self) -> None:
        self._blind_note()
        segment = self.current
        book = self.project.codebook()
        codings = self.project.codings()
        here = codings[codings["segment_id"] == segment]
        mine = here[here["coder"] == self.coder]
        offsets = {seg: start for seg, start, _ in self._layout}
        shown = codings[(codings["coder"] == self.coder) & codings["segment_id"].isin(offsets)]
        self.text.spans = [
            {
                "start": offsets[int(r.segment_id)] + int(r.start),
                "end": offsets[int(r.segment_id)] + int(r.end),
                "color": book.colour(r.code) + "66",
                "label": self._label(r.code),
            }
            for r in shown.itertuples(index=False)
            if r.span and r.code in book
        ]
        on = set(mine["code"])
        for code, button in self.code_buttons.items():
            if code in on:
                button.add_class("mt-code-on")
            else:
                button.remove_class("mt-code-on")
            definition = book.get(code).definition
            button.tooltip = definition.get(self.lang) if definition else ""
        items = []
        for r in mine.itertuples(index=False):
            what = f" « {esc(self.text.text[r.start : r.end])} »" if r.span else ""
            items.append(f"<li>{esc(self._label(r.code))}{what}</li>")
        parts = [
            f"<h3>{esc(self.tr('qual.app.my_codes'))}</h3>",
            f"<ul>{''.join(items)}</ul>"
            if items
            else f"<p>{esc(self.tr('qual.app.none_yet'))}</p>",
        ]
        if self.project.others_visible(self.coder or "", self.sample.value or None):
            others = here[here["coder"] != self.coder]
            if not others.empty:
                listed = [
                    f"<li>{esc(c)} : {esc(', '.join(sorted({self._label(x) for x in g['code']})))}</li>"
                    for c, g in others.groupby("coder")
                ]
                parts.append(
                    f"<h3>{esc(self.tr('qual.app.others'))}</h3><ul>{''.join(listed)}</ul>"
                )
        else:
            parts.append(f"<p class='mt-hint'>{esc(self.tr('qual.app.others_hidden'))}</p>")
        self.codings_html.value = "".join(parts)
        self._suggest(set(here["code"]) if not here.empty else set(), on)

    def _suggest(self, applied: set[str], mine: set[str]) -> None:
        from toolkit.qual.suggest import suggest

        if mine:
            self._suggested = []
            self.suggestions_html.value = ""
            self.accept_button.layout.display = self.reject_button.layout.display = "none"
            return
        table = suggest(self.text.text, self.project.codebook())
        self._suggested = list(table["code"])
        if not self._suggested:
            self.suggestions_html.value = ""
            self.accept_button.layout.display = self.reject_button.layout.display = "none"
            return
        names = ", ".join(self._label(c) for c in self._suggested)
        self.suggestions_html.value = (
            f"<p class='mt-hint'>{esc(self.tr('qual.app.suggested', codes=names))}</p>"
        )
        self.accept_button.layout.display = self.reject_button.layout.display = ""

    # -- actions ------------------------------------------------------------------------------
    def toggle(self, code_id: str) -> None:
        """Apply ``code_id`` to the selection (or the whole segment); again to remove it."""
        segment = self.current
        if segment is None or not self.coder:
            return
        picked = self._segment_selection()
        try:
            if picked is not None:
                target, start, end = picked
                self.project.code(target, code_id, self.coder, start=start, end=end)
            else:
                codings = self.project.codings(coder=self.coder)
                has = not codings[
                    (codings["segment_id"] == segment) & (codings["code"] == code_id)
                ].empty
                if has:
                    self.project.uncode(segment, code_id, self.coder)
                else:
                    self.project.code(segment, code_id, self.coder)
        except ToolkitError as error:
            self._error(error)
            return
        self.message.value = ""
        self.text.selection = []
        self._draw_codings()

    def no_code(self) -> None:
        """No code applies: the segment counts as looked at; go to the next one."""
        if self.current is not None and self.coder:
            self.project.mark_reviewed(self.current, self.coder)
            if self.index < len(self.order) - 1:
                self.move(1)
            else:
                self.show()

    def decide(self, decision: str) -> None:
        if self.current is None or not self.coder:
            return
        for code in self._suggested:
            self.project.log_suggestion(self.current, code, self.coder, decision)
            if decision == "accepted":
                self.project.code(self.current, code, self.coder, origin="suggestion")
        if decision == "rejected":
            self.project.mark_reviewed(self.current, self.coder)
        self._draw_codings()

    def save_memo(self) -> None:
        if self.current is not None and self.coder:
            self.project.set_memo("segment", self.current, self.coder, self.memo.value)
            self.message.value = f'<p class="mt-ok">{esc(self.tr("qual.app.memo_saved"))}</p>'

    # -- agreement ----------------------------------------------------------------------------
    def agreement_table(self) -> pd.DataFrame:
        """Code × statistic table shown in the "Accord" tab (sample only in blind mode)."""
        from toolkit.qual.reliability import agreement

        sample = self.sample.value or None
        decisions = self.project.decisions(segments=self.project.sample(sample) if sample else None)
        if decisions["coder"].nunique() < 2:
            return pd.DataFrame()
        return agreement(decisions, n_boot=200)

    def show_agreement(self) -> None:
        from toolkit.qual.reliability import OVERALL, disagreements

        table = self.agreement_table()
        if table.empty:
            self.agreement_html.value = f"<p>{esc(self.tr('qual.app.agreement_need'))}</p>"
            self.disagreement.options = []
            return
        names = ["percent_agreement", "cohen_kappa", "krippendorff_alpha"]
        rows = []
        for code, group in table.groupby("code", sort=False):
            stats = group.set_index("statistic")
            cells = [esc(self.tr("qual.app.overall") if code == OVERALL else self._label(code))]
            for name in names:
                if name in stats.index:
                    r = stats.loc[name]
                    ci = (
                        ""
                        if pd.isna(r["ci_low"])
                        else f"<br><small>[{_num(r['ci_low'])} ; {_num(r['ci_high'])}]</small>"
                    )
                    cells.append(f"{_num(r['estimate'])}{ci}")
                else:
                    cells.append("—")
            cells.append(str(int(group["n_units"].iloc[0])))
            rows.append(cells)
        headers = (
            [self.tr("qual.app.col.code")]
            + [self.tr(f"qual.stat.{n}") for n in names]
            + [self.tr("qual.app.col.units")]
        )
        head = "".join(f"<th>{esc(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
        self.agreement_html.value = (
            f'<div class="mt-scroll"><table class="mt-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
            f"<p class='mt-hint'>{esc(self.tr('qual.app.ci_note'))}</p>"
        )
        sample = self.sample.value or None
        listing = disagreements(
            self.project.decisions(segments=self.project.sample(sample) if sample else None)
        )
        segments = self.project.segments().set_index("segment_id")
        options = []
        for r in listing.itertuples(index=False):
            who = self.tr(
                "qual.app.disagreement",
                code=self._label(r.code),
                yes=r.applied_by,
                no=r.not_applied_by,
                who=segments.at[r.segment_id, "pseudonym"]
                if r.segment_id in segments.index
                else "",
            )
            options.append((who, int(r.segment_id)))
        self.disagreement.options = options
        self.disagreement.value = options[0][1] if options else None
        self.disagreement.description = self.tr("qual.app.disagreements", n=len(options))

    def produce_report(self) -> None:
        """Write the qualitative findings report (HTML and Word) and offer both for download."""
        self.report.produce(self.project.store)

    def open_disagreement(self) -> None:
        if self.disagreement.value is not None:
            self.go_to(int(self.disagreement.value))

    # -- codebook -----------------------------------------------------------------------------
    def change_codebook(self) -> None:
        """Add, rename, move, merge or retire a code; the new book is saved as a version."""
        book = self.project.codebook()
        action, code, target, label = (
            self.book_action.value,
            self.book_code.value,
            self.book_target.value or None,
            self.book_label.value.strip(),
        )
        try:
            if action == "add":
                from toolkit.qual.codebook import Code, slug

                new_id = slug(label, set(book.ids()))
                book = book.add(Code(id=new_id, label=Text.of(label or " "), parent=target))
            elif action == "rename":
                book = book.rename(code, label)
            elif action == "move":
                book = book.move(code, target)
            elif action == "merge":
                if target is None:
                    need = self.tr("qual.app.book.need_target")
                    self.book_html.value = f'<p class="mt-error">{esc(need)}</p>'
                    return
                book = book.merge(code, target)
            else:
                book = book.retire(code)
            number = self.project.save_codebook(book, by=self.coder, note=action)
        except ToolkitError as error:
            self.book_html.value = "".join(
                f'<p class="mt-error">{esc(p.message(self.lang))}</p>' for p in error.problems
            )
            return
        self.book_html.value = (
            f'<p class="mt-ok">{esc(self.tr("qual.app.book.saved", number=number))}</p>'
        )
        self.book_label.value = ""
        self._options()
        self.show()


def _num(value: float) -> str:
    """Two decimals, French comma, no « -0,00 »."""
    if pd.isna(value):
        return "—"
    text = f"{value:.2f}"
    return ("0.00" if text == "-0.00" else text).replace(".", ",").replace("-", "−")


def coding_app(*, lang: str = "fr") -> CodingApp:
    """The app of ``notebooks/codage.ipynb``; ``?coder=NOM`` fills the name, ``?lang=en``
    switches to English.

    A preheated kernel runs the notebook before any page asks for it, so the query string is
    read once Voilà has handed the request over (``voila.utils.wait_for_request``).

    Examples
    --------
    A store (a temporary file) holding a codebook and one note, opened as ``?coder=Awa``:

    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from toolkit.qual import QualProject, load_codebook
    >>> from toolkit.store import connect
    >>> url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'codage.sqlite'}"
    >>> project = QualProject(connect(url))
    >>> project.save_codebook(load_codebook("surveys/codebooks/besoins_habitants.yaml"), by="Awa")
    1
    >>> _ = project.import_text("Les démarches en ligne, je n'y arrive pas.", name="note.txt")
    >>> with mock.patch.dict(os.environ, {"TOOLKIT_DATABASE_URL": url, "QUERY_STRING": "coder=Awa"}):
    ...     app = coding_app()
    >>> app.coder, [app.tabs.get_title(i) for i in range(len(app.tabs.children))]
    ('Awa', ['Coder', 'Accord', 'Livre de codes'])
    >>> app.header.value[: app.header.value.index(" · ")]
    "<p class='mt-meta'><b>Segment 1 sur 1</b>"
    >>> app.text.text
    "Les démarches en ligne, je n'y arrive pas."
    >>> [button.description for button in app.code_buttons.values()][:2]
    ['Accès aux droits', 'Accès aux droits › Démarches en ligne']
    """
    import os
    from urllib.parse import parse_qs

    from voila.utils import wait_for_request

    wait_for_request()
    params = {k: v[-1] for k, v in parse_qs(os.environ.get("QUERY_STRING", "")).items()}
    asked = params.get("lang")
    chosen = asked if asked in ("fr", "en") else lang
    return CodingApp(coder=params.get("coder") or None, lang=chosen)
