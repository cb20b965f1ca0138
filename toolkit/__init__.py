"""Médiation Toolkit: survey and training toolkit for French social mediators.

The package is organised by concern, data flowing one way::

    instruments  ->  store  ->  analysis  ->  report
         \\-> collect / training / apps (widgets on top, nothing below imports them)

Importing :mod:`toolkit` does no work: each sub-package is imported on demand.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
