"""The app index: the instruments of ``surveys/`` with what has been collected, and a link to
every app page (collection per instrument, fieldwork, and every other notebook present).

The counts are read when the page is opened (a preheated kernel waits for the request
first, see :func:`~toolkit.apps.common.page.page_query`) and again every
:data:`~toolkit.apps.common.refresh.REFRESH_SECONDS` while it stays open."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from toolkit.apps.common.html import esc
from toolkit.apps.common.language import language_switch
from toolkit.apps.common.page import PageBridge, page_query
from toolkit.apps.common.refresh import REFRESH_SECONDS, Repeater
from toolkit.apps.common.style import style
from toolkit.collect import database_url, instrument_files
from toolkit.errors import InstrumentError, StoreError
from toolkit.i18n import t
from toolkit.instruments import load

if TYPE_CHECKING:
    from toolkit.store import Store

__all__ = ["IndexApp", "index_app", "notebook_pages"]

#: Notebooks that the index links in a section of their own (the rest go to "Autres pages").
_KNOWN = ("index.ipynb", "collecte.ipynb", "terrain.ipynb")


def notebook_pages(folder: Path | None = None) -> list[str]:
    """Names of the notebooks in ``folder`` (default: the working directory), sorted.

    Examples
    --------
    Hidden notebooks (a checkpoint, a draft) and other files are left out:

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("suivi.ipynb", "collecte.ipynb", ".brouillon.ipynb", "notes.md"):
    ...     _ = (folder / name).write_text("{}")
    >>> notebook_pages(folder)
    ['collecte.ipynb', 'suivi.ipynb']
    """
    folder = folder or Path.cwd()
    return sorted(p.name for p in folder.glob("*.ipynb") if not p.name.startswith("."))


class IndexApp:
    """The landing page of ``toolkit serve``.

    Parameters
    ----------
    store
        A store for the counts (default: connect to ``TOOLKIT_DATABASE_URL``; an unreachable
        database is said on the page, the links still work).
    notebooks
        The folder of the served notebooks (default: the working directory, ``notebooks/``
        under Voilà).
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        notebooks: Path | None = None,
        surveys: Path | None = None,
        lang: str = "fr",
        refresh_every: float = REFRESH_SECONDS,
    ) -> None:
        self._store = store
        self.lang = lang
        self.notebooks = notebooks
        self.surveys = surveys
        self.refresh_every = refresh_every
        self.lang_switch = language_switch(("fr", "en"), lang)
        self.lang_switch.observe(self._language, "value")
        self.content = widgets.HTML()
        self.refresh_button = widgets.Button(icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.updated = widgets.HTML()
        self.bridge = PageBridge(lang=lang)
        self.root = widgets.VBox(
            [
                style(),
                self.bridge,
                widgets.HBox([self.lang_switch]),
                self.content,
                self.updated,
                self.refresh_button,
            ]
        )
        self.root.add_class("mt-app")
        self.root.add_class("mt-index")
        self.refresh()
        self.repeater = Repeater(self.refresh, refresh_every)
        self.repeater.start()

    def _repr_mimebundle_(self, **kwargs: object) -> dict[str, object]:
        return self.root._repr_mimebundle_(**kwargs)

    def _language(self, change: dict) -> None:
        self.lang = change["new"]
        self.refresh()

    def counts(self) -> tuple[pd.DataFrame | None, str | None]:
        """``Store.instruments()`` (after registering the valid files), or the error text."""
        try:
            if self._store is None:
                from toolkit.store import connect

                self._store = connect(database_url())
            for path in instrument_files(self.surveys):
                try:
                    self._store.register(load(path))
                except InstrumentError:
                    continue
            return self._store.instruments(), None
        except StoreError as error:
            return None, str(error)

    def refresh(self) -> None:
        """Redraw the page."""
        lang = self.lang
        tr = lambda key, **p: t(key, lang, **p)  # noqa: E731
        self.bridge.set_language(lang, tr("collect.index.page_title"))
        self.refresh_button.description = tr("collect.index.refresh")
        self.updated.value = f'<p class="mt-hint">{esc(tr("collect.index.updated", time=_now_text(), seconds=round(self.refresh_every)))}</p>'
        counts, error = self.counts()
        by_id = {} if counts is None else {str(r["id"]): r for _, r in counts.iterrows()}
        parts = [
            f"<h1>{esc(tr('collect.index.title'))}</h1>",
            f"<p>{esc(tr('collect.index.intro'))}</p>",
        ]
        if error:
            parts.append(
                f'<p class="mt-warn">{esc(tr("collect.index.offline"))}</p><p><small>{esc(error)}</small></p>'
            )
        parts.append(f"<h2>{esc(tr('collect.index.instruments'))}</h2>")
        rows = []
        seen: set[str] = set()
        for path in instrument_files(self.surveys):
            try:
                instrument = load(path)
            except InstrumentError as problem:
                first = problem.problems[0].format(lang) if problem.problems else str(problem)
                rows.append(
                    f"<li><b>{esc(path.name)}</b> : <span class='mt-error'>{esc(tr('collect.index.invalid'))}</span> <small>{esc(first)}</small></li>"
                )
                continue
            seen.add(instrument.id)
            row = by_id.get(instrument.id)
            submitted = int(row["n_submitted"]) if row is not None else 0
            drafts = int(row["n_draft"]) if row is not None else 0
            last = row["last_submitted_at"] if row is not None else None
            last_text = (
                last.tz_convert(None).strftime("%d/%m/%Y %H:%M")
                if last is not None and not pd.isna(last)
                else "—"
            )
            link = f'<a class="mt-link" href="collecte.ipynb?instrument={esc(instrument.id)}">{esc(tr("collect.index.collect"))}</a>'
            counts_text = tr(
                "collect.index.counts", submitted=submitted, drafts=drafts, last=last_text
            )
            rows.append(
                f"<li><b>{esc(instrument.title.get(lang))}</b><br>{esc(counts_text)}<br>{link}</li>"
            )
        for key, row in by_id.items():
            if key not in seen:
                counts_text = tr(
                    "collect.index.counts",
                    submitted=int(row["n_submitted"]),
                    drafts=int(row["n_draft"]),
                    last="—",
                )
                rows.append(f"<li><b>{esc(row['title'])}</b><br>{esc(counts_text)}</li>")
        parts.append(
            f"<ul>{''.join(rows)}</ul>"
            if rows
            else f"<p>{esc(tr('collect.index.no_instruments'))}</p>"
        )
        pages = notebook_pages(self.notebooks)
        parts.append(f"<h2>{esc(tr('collect.index.apps'))}</h2><ul>")
        if "terrain.ipynb" in pages:
            parts.append(
                f'<li><a class="mt-link" href="terrain.ipynb">{esc(tr("collect.index.fieldwork"))}</a></li>'
            )
        for name in pages:
            if name in _KNOWN:
                continue
            key = f"collect.index.page.{name.removesuffix('.ipynb')}"
            title = tr(key)
            if title == key:
                title = name.removesuffix(".ipynb").replace("_", " ").capitalize()
            parts.append(f'<li><a class="mt-link" href="{esc(name)}">{esc(title)}</a></li>')
        parts.append("</ul>")
        self.content.value = "".join(parts)


def _now_text() -> str:
    return dt.datetime.now().astimezone().strftime("%H:%M:%S")


def index_app(*, query: str | None = None, lang: str | None = None) -> IndexApp:
    """The app index for ``notebooks/index.ipynb``, computed when the page is opened.

    The language comes from ``lang``, else the page's ``?lang=`` (French by default).
    ``query`` is the page's query string; by default it is read once the page is requested
    (see :func:`~toolkit.apps.common.page.page_query`).

    Examples
    --------
    Opened in a folder of notebooks (as Voilà serves ``notebooks/``), on an in-memory
    database and a catalogue of one questionnaire: the pages are listed under their French
    titles, the fieldwork view first.

    >>> import contextlib, html, os, re, shutil, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> folder = Path(tempfile.mkdtemp())
    >>> surveys, pages = folder / "surveys", folder / "notebooks"
    >>> surveys.mkdir(), pages.mkdir()
    (None, None)
    >>> _ = shutil.copy("surveys/satisfaction_concertation.yaml", surveys)
    >>> for name in ("index", "collecte", "terrain", "suivi", "resultats"):
    ...     _ = (pages / f"{name}.ipynb").write_text("{}")
    >>> env = {"TOOLKIT_DATABASE_URL": "sqlite://", "TOOLKIT_SURVEYS": str(surveys)}
    >>> with mock.patch.dict(os.environ, env), contextlib.chdir(pages):
    ...     index = index_app(query="?lang=fr")
    >>> page = html.unescape(index.content.value)
    >>> re.findall(r"<h2>(.*?)</h2>", page)
    ['Questionnaires', 'Applications']
    >>> for title in re.findall(r'<a class="mt-link" href="[^"?]+">(.*?)</a>', page):
    ...     print(title)
    Suivi du terrain (comptes par secteur et quotas)
    Résultats : tableaux, graphiques et rapports
    Suivi : accords, orientations, signalements, réunions et projets
    """
    asked = page_query(query).get("lang", "")
    chosen = lang or (asked if asked in ("fr", "en") else "fr")
    return IndexApp(lang=chosen)
