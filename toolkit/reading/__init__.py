r"""Bounded reading of the files users write: YAML with limits checked before anything is built.

An instrument or a training module is read by :func:`load_yaml`, which refuses, with a coded
problem, a file too large, nested too deeply or whose aliases (``*name``) would expand past a
bound, before ruamel.yaml builds any object. :func:`describe` gives the short description of
a value that error messages show, without ever printing the whole value.

Examples
--------
>>> data = load_yaml("id: visite\nversion: '1'\n", source="visite.yaml")
>>> dict(data)
{'id': 'visite', 'version': '1'}
>>> "id: barometre_ambiance" in read_text("surveys/barometre_ambiance.yaml")
True
"""

from toolkit.reading.bounded_yaml import LIMITS, Limits, ReadError, load_yaml, read_text
from toolkit.reading.describe import describe

__all__ = ["LIMITS", "Limits", "ReadError", "describe", "load_yaml", "read_text"]
