"""The form renderer: an instrument's pages as widgets, validated live, with no store.

:class:`FormRenderer` is the part of the field app that other apps reuse (a builder's live
preview, a training demo): give it an :class:`~toolkit.instruments.Instrument` (and answers
if you have some) and it shows the form page by page, applies skip logic, calculations and
choice filters as answers change, shows each problem next to its field and refuses *Next*
while the page has one. It knows nothing of databases, drafts or sessions; what to do with
the answers is the caller's business (``on_change``, ``on_page``, ``on_submit``)::

    from toolkit.apps.collect.renderer import FormRenderer
    from toolkit.instruments import load

    renderer = FormRenderer(load("surveys/barometre_ambiance.yaml"), lang="fr")
    renderer.box                      # a VBox to display (progress, page, navigation)
    renderer.form.answers             # the raw answers typed so far
    renderer.form.result.problems     # what is missing or invalid
    renderer.go_next()                # as if *Next* were pressed

Each page's widgets are built once per form, on its first visit (or in advance, see
``prefetch``), and kept in :attr:`FormRenderer.page_box`: moving between pages only shows one
page box and hides the other, so the browser does not recreate dozens of widgets on every
*Previous* / *Next*. They are closed when the form is replaced or the language changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import ipywidgets as widgets

from toolkit.apps.collect.questions import View, build_views, close_views
from toolkit.apps.collect.status import message
from toolkit.apps.common.html import esc
from toolkit.collect import Form
from toolkit.i18n import t
from toolkit.instruments import Instrument

__all__ = ["PREFETCH_SECONDS", "FormRenderer"]

#: After a page is shown, the next page's widgets are built (hidden) this many seconds later,
#: once the browser has drawn the current page, so that *Next* only has to show them.
PREFETCH_SECONDS = 0.5


def nav_button(label: str = "", *, style_name: str = "", icon: str = "") -> widgets.Button:
    """A large navigation button that needs the server (disabled while it is unreachable)."""
    button = widgets.Button(
        description=label, button_style=style_name, icon=icon, layout=widgets.Layout(width="auto")
    )
    button.add_class("mt-needs-server")
    return button


class FormRenderer:
    """An instrument's form, page by page, validated as answers are typed.

    Parameters
    ----------
    form
        The form to show, or an instrument (a blank form is made, holding ``answers``).
    answers
        Raw answers to start from when ``form`` is an instrument.
    lang
        Language of the labels and messages.
    on_change
        Called after every answer change (after the page is refreshed).
    on_page
        Called after the page shown changed (*Next*, *Previous*, a jump to a problem).
    on_submit
        Called by the *Submit* button of the last page (it should call :meth:`ready` and
        send only when that holds); without it the button is hidden.
    prefetch
        Build the next page in advance (:data:`PREFETCH_SECONDS` after a page is shown) when
        running in a kernel with an event loop; tests call :meth:`prefetch_next` instead.
    """

    def __init__(
        self,
        form: Form | Instrument,
        *,
        answers: Mapping[str, object] | None = None,
        lang: str = "fr",
        on_change: Callable[[], None] | None = None,
        on_page: Callable[[], None] | None = None,
        on_submit: Callable[[], None] | None = None,
        prefetch: bool = True,
    ) -> None:
        self.form = form if isinstance(form, Form) else Form(form, answers=dict(answers or {}))
        self.lang = lang
        self.on_change = on_change
        self.on_page = on_page
        self.on_submit = on_submit
        self.prefetch = prefetch
        self.views: list[View] = []
        self.page_views: dict[int, tuple[widgets.VBox, list[View]]] = {}
        self._pages_form: Form | None = None
        self._pages_lang = lang
        self.progress = widgets.IntProgress(
            min=0, max=1, value=0, layout=widgets.Layout(width="100%")
        )
        self.progress_label = widgets.HTML()
        self.page_title = widgets.HTML()
        self.page_box = widgets.VBox()
        self.page_box.add_class("mt-pages")
        self.message = widgets.HTML()
        self.previous = nav_button(icon="arrow-left")
        self.previous.on_click(lambda _b: self.go_previous())
        self.next = nav_button(style_name="primary", icon="arrow-right")
        self.next.on_click(lambda _b: self.go_next())
        self.submit = nav_button(style_name="success", icon="check")
        self.submit.on_click(lambda _b: self.try_submit())
        self.submit_key = "collect.nav.submit"
        self.nav = widgets.HBox([self.previous, self.next, self.submit])
        self.nav.add_class("mt-nav")
        self.box = widgets.VBox(
            [
                self.progress_label,
                self.progress,
                self.page_title,
                self.page_box,
                self.message,
                self.nav,
            ]
        )
        self.box.add_class("mt-form")

    # ------------------------------------------------------------------ form and language

    def set_form(self, form: Form) -> None:
        """Show another form (its pages are built anew on the next :meth:`render_page`)."""
        self.form = form
        self.message.value = ""

    def set_language(self, lang: str) -> None:
        self.lang = lang

    def labels(self) -> None:
        """(Re)write the navigation labels in the current language."""
        self.previous.description = t("collect.nav.previous", self.lang)
        self.next.description = t("collect.nav.next", self.lang)
        self.submit.description = t(self.submit_key, self.lang)

    # ------------------------------------------------------------------ pages

    def _pages_current(self) -> bool:
        """Whether the built pages belong to the current form, in the current language."""
        return self._pages_form is self.form and self._pages_lang == self.lang

    def render_page(self) -> None:
        """Show the current page: its widgets are built on its first visit, then kept."""
        self.labels()
        if not self._pages_current():
            self.drop_pages()
            self._pages_form, self._pages_lang = self.form, self.lang
        index = self.form.page_index
        self.views = self._page(index)
        for other, (box, _views) in self.page_views.items():
            box.layout.display = None if other == index else "none"
        page = self.form.page
        label = page.label.get(self.lang) if page.label else ""
        self.page_title.value = f"<h3>{esc(label)}</h3>" if label else ""
        self.refresh()
        self._schedule_prefetch()

    def _page(self, index: int) -> list[View]:
        """The views of page ``index``, built (hidden) and added to the page box if needed."""
        if index not in self.page_views:
            box = widgets.VBox(layout=widgets.Layout(display="none"))
            box.add_class("mt-page")
            views = build_views(
                self.form.pages[index].items,
                self.form,
                self.lang,
                self._answer_changed,
                self._rebuild_page,
            )
            box.children = [v.box for v in views]
            self.page_views[index] = (box, views)
            self.page_box.children = (*self.page_box.children, box)
        return self.page_views[index][1]

    def _rebuild_page(self) -> None:
        """Rebuild the current page's views (a repeat entry was added or removed)."""
        index = self.form.page_index
        box, old = self.page_views[index]
        views = build_views(
            self.form.page.items, self.form, self.lang, self._answer_changed, self._rebuild_page
        )
        box.children = [v.box for v in views]
        self.page_views[index] = (box, views)
        self.views = views
        close_views(old)
        self._answer_changed()

    def drop_pages(self) -> None:
        """Close every built page (the form or the language changed)."""
        built = list(self.page_views.values())
        self.page_views = {}
        self._pages_form = None
        self.views = []
        if not built:
            return
        self.page_box.children = ()
        for box, views in built:
            close_views(views)
            box.close()
            box.layout.close()

    def prefetch_next(self) -> bool:
        """Build the page *Next* would open, hidden, if it is not built yet."""
        if not self._pages_current():
            return False
        target = self.form.next_page_index()
        if target is None or target in self.page_views:
            return False
        self._page(target)
        return True

    def _schedule_prefetch(self) -> None:
        if not self.prefetch:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel event loop (driven from Python): nothing to wait for
            return
        loop.call_later(PREFETCH_SECONDS, self.prefetch_next)

    # ------------------------------------------------------------------ answers

    def _answer_changed(self) -> None:
        self.refresh()
        if self.on_change is not None:
            self.on_change()

    def refresh(self) -> None:
        """Apply skip logic, calculations and problems to the page after an answer changed."""
        for view in self.views:
            view.refresh()
        position, total = self.form.progress
        self.progress.max = total
        self.progress.value = position
        self.progress_label.value = esc(
            t("collect.progress", self.lang, page=position, total=total)
        )
        last = self.form.is_last_page
        self.previous.disabled = self.form.is_first_page
        self.next.layout.display = "none" if last else None
        self.submit.layout.display = None if last and self.on_submit is not None else "none"
        blocked = not self.form.can_leave_page() and self.form.page_index in self.form.attempted
        self.next.disabled = blocked
        self.submit.disabled = blocked
        if not blocked and "mt-error" in self.message.value:
            self.message.value = ""

    def blocked(self) -> None:
        """Say that the page cannot be left, the problems being shown next to the fields."""
        self.message.value = message("error", t("collect.blocked", self.lang))

    # ------------------------------------------------------------------ navigation

    def go_next(self) -> bool:
        """*Next*: refused, with the problems shown next to the fields, while the page has any."""
        if not self.form.next():
            self.blocked()
            self.refresh()
            return False
        self.message.value = ""
        self.render_page()
        if self.on_page is not None:
            self.on_page()
        return True

    def go_previous(self) -> bool:
        """*Previous*: always allowed."""
        moved = self.form.previous()
        self.message.value = ""
        if moved:
            self.render_page()
            if self.on_page is not None:
                self.on_page()
        return moved

    def go_to(self, index: int) -> None:
        """Open page ``index`` (a resumed draft, a problem found at *Submit*)."""
        self.form.page_index = max(0, min(index, len(self.form.pages) - 1))
        if not self.form.page_shown(self.form.page_index):
            self.form.first_page()
        self.render_page()

    def ready(self) -> bool:
        """Whether every shown page is valid; otherwise open the first page with a problem."""
        if self.form.ready():
            return True
        target = self.form.first_problem_page()
        if target is not None and target != self.form.page_index:
            self.form.page_index = target
            self.form.attempted.add(target)
            self.render_page()
            if self.on_page is not None:
                self.on_page()
        self.blocked()
        self.refresh()
        return False

    def try_submit(self) -> None:
        """*Submit*: hands over to ``on_submit`` (which calls :meth:`ready` first)."""
        if self.on_submit is not None:
            self.on_submit()
