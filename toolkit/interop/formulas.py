"""Neutralise text that a spreadsheet would run as a formula (CSV injection).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel or LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). Answers
are typed by residents and mediators, so every exported text cell is checked. In CSV the
text gets a leading apostrophe, which spreadsheets show as plain text (OWASP advice); in XLSX
the cell is written with the text type, which a spreadsheet never evaluates, and the text is
kept as it was.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``'`` + ``value`` when ``value`` is text that starts like a formula, else ``value``.

    >>> neutralise("=1+1"), neutralise("bonjour"), neutralise(-3)
    ("'=1+1", 'bonjour', -3)
    """
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (numbers and dates untouched).

    Examples
    --------
    A remark typed as a link that a spreadsheet would follow, beside a negative number:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "remarque": ['=HYPERLINK("http://exemple.org";"Cliquez")', "RAS"],
    ...     "ecart": [-3, 2],
    ... })
    >>> safe = neutralise_frame(frame)
    >>> print(safe.loc[0, "remarque"])
    '=HYPERLINK("http://exemple.org";"Cliquez")
    >>> safe.loc[1, "remarque"], safe["ecart"].tolist()
    ('RAS', [-3, 2])
    >>> print(frame.loc[0, "remarque"])  # the frame given is left as it was
    =HYPERLINK("http://exemple.org";"Cliquez")
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            if pd.api.types.is_numeric_dtype(series.cat.categories.dtype):
                continue  # numeric codes (Likert) are never formulas
            series = series.astype("object")
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.astype("object").map(neutralise, na_action="ignore")
    return out
