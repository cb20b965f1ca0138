"""Exchanges with other tools: XLSForm (KoboToolbox, ODK, Enketo), data imports, exports.

XLSForm both ways (:func:`write_xlsform`, :func:`read_xlsform`); responses collected elsewhere
into the store, all or nothing (:func:`import_file` for a Kobo, ODK Central or plain export,
:func:`pull_submissions` straight from a Central server); the store's responses out to CSV,
XLSX, SPSS or Parquet (:func:`export_responses`, with its :func:`codebook`), personal fields
left out and spreadsheet formulas neutralised (:func:`neutralise`). Each function's docstring
has a runnable example.
"""

from toolkit.interop.central import PullReport, pull_submissions
from toolkit.interop.exports import ExportReport, codebook, export_responses
from toolkit.interop.formulas import neutralise, neutralise_frame
from toolkit.interop.importer import ImportReport, detect_format, import_file, import_tables
from toolkit.interop.xlsform import (
    XLSFormImport,
    read_xlsform,
    summarise,
    write_xlsform,
    xlsform_sheets,
)

__all__ = [
    "ExportReport",
    "ImportReport",
    "PullReport",
    "XLSFormImport",
    "codebook",
    "detect_format",
    "export_responses",
    "import_file",
    "import_tables",
    "neutralise",
    "neutralise_frame",
    "pull_submissions",
    "read_xlsform",
    "summarise",
    "write_xlsform",
    "xlsform_sheets",
]
