"""Exchanges with other tools: XLSForm (KoboToolbox, ODK, Enketo), data imports, exports.

>>> from toolkit.interop import write_xlsform, read_xlsform          # doctest: +SKIP
>>> write_xlsform(instrument, "formulaire.xlsx")                       # doctest: +SKIP
>>> import_file(store, "barometre_ambiance", "export_kobo.xlsx")      # doctest: +SKIP
>>> pull_submissions(store, "visite", read_settings("central.toml"))  # doctest: +SKIP
>>> export_responses(store, "barometre_ambiance", "baro.sav", format="sav")  # doctest: +SKIP
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
