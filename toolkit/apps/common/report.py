"""« Produire le rapport » in any app: one report kind written as HTML and Word, offered for download.

The files are written in a temporary folder, read back and offered as ``data:`` links (no
file is left on the server; works behind Voilà). The report itself is built by the kind of
:mod:`toolkit.report` named when the offer is made; the app only gives the kind's options.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import ipywidgets as widgets

from toolkit.apps.common.html import esc
from toolkit.errors import ToolkitError
from toolkit.i18n import t

__all__ = ["DOCX_MIME", "ReportOffer", "data_link"]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def data_link(data: bytes, name: str, mime: str, text: str, css: str) -> str:
    """An ``<a download>`` link carrying ``data`` (the file name and text escaped)."""
    payload = base64.b64encode(data).decode("ascii")
    return (
        f'<a class="{esc(css)}" download="{esc(name)}" '
        f'href="data:{esc(mime)};base64,{payload}">{esc(text)}</a>'
    )


class ReportOffer:
    """The button and the download links of one report kind.

    The app puts :attr:`button` and :attr:`links` on its page, calls :meth:`produce` from the
    button's click with the store and the kind's options, and :meth:`texts` when its language
    changes. Links have the classes ``mt-report-html`` and ``mt-report-docx``.

    Parameters
    ----------
    kind
        Name of the report kind (``barometre``, ``activite``, ``qualitatif``…).
    lang
        Language of the button, the messages and the report.
    threshold
        Disclosure threshold passed to the kind.
    """

    def __init__(self, kind: str, *, lang: str = "fr", threshold: int = 5) -> None:
        self.kind = kind
        self.lang = lang
        self.threshold = threshold
        self.button = widgets.Button(icon="file-text", layout=widgets.Layout(width="auto"))
        self.button.add_class("mt-report-button")
        self.links = widgets.HTML()
        self.texts(lang)

    def texts(self, lang: str) -> None:
        """Label the button in ``lang`` (the next report is written in it too)."""
        self.lang = lang
        self.button.description = t("report.app.button", lang)

    def clear(self) -> None:
        """Remove the links of a previous report (the app's choices changed)."""
        self.links.value = ""

    def produce(self, store: object, **options: object) -> bool:
        """Build the report, write both files and show their links; say why on failure.

        Returns whether the files are offered. A :class:`~toolkit.errors.ToolkitError` of the
        kind (no data for the period, unknown sector…) is shown inline, in the page's language.
        """
        from toolkit.report import get_kind, write

        self.links.value = f'<p role="status">{esc(t("report.app.busy", self.lang))}</p>'
        try:
            document = get_kind(self.kind).build(
                store, lang=self.lang, threshold=self.threshold, **options
            )
            with tempfile.TemporaryDirectory(prefix="toolkit-rapport-") as folder:
                paths = write(document, Path(folder), document.stem)
                files = {p.suffix: (p.name, p.read_bytes()) for p in paths}
        except ToolkitError as error:
            text = " ".join(p.message(self.lang) for p in error.problems) or str(error)
            self.links.value = f'<p class="mt-error" role="alert">{esc(text)}</p>'
            return False
        html_name, html_data = files[".html"]
        docx_name, docx_data = files[".docx"]
        self.links.value = (
            f'<p class="mt-ok" role="status">{esc(t("report.app.ready", self.lang))}</p>'
            '<p class="mt-downloads">'
            + data_link(
                html_data,
                html_name,
                "text/html",
                t("report.app.download_html", self.lang),
                "mt-report-html",
            )
            + " "
            + data_link(
                docx_data,
                docx_name,
                DOCX_MIME,
                t("report.app.download_docx", self.lang),
                "mt-report-docx",
            )
            + "</p>"
        )
        return True
