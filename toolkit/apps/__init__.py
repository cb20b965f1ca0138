"""ipywidgets apps served by Voilà from ``notebooks/``: the only layer that imports ipywidgets.

- :mod:`toolkit.apps.index`: the app index (instruments, counts, links to every app page).
- :mod:`toolkit.apps.collect`: the field collection app (one module per screen), its reusable
  form renderer and the fieldwork view.
- :mod:`toolkit.apps.common`: escaping, tablet CSS, language switch, the page bridge, live
  refresh, the Voilà launcher.
"""
