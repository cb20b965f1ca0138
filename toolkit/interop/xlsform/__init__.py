"""XLSForm in and out (KoboToolbox, ODK Central, Enketo), one module per job.

``reader`` (the entry point) reads a form with pyxform's readers (``workbook``), indexes the
rows of its sheets (``sheets``), finds its languages (``translations``, ``languages``), maps
its questions (``questions``) and choice lists (``choices``), checks what refers to the
questions left out (``left_out``), and locates every problem (``locate``). ``export`` writes
an instrument back; ``subset`` says what part of XLSForm the model covers; ``summary``
compares two XForms.
"""

from toolkit.interop.xlsform.export import write_xlsform, xlsform_sheets
from toolkit.interop.xlsform.reader import XLSFormImport, read_xlsform
from toolkit.interop.xlsform.summary import summarise

__all__ = ["XLSFormImport", "read_xlsform", "summarise", "write_xlsform", "xlsform_sheets"]
