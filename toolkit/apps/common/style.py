"""Tablet-friendly styling shared by the apps: large touch targets, no horizontal scrolling."""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["TABLET_CSS", "style"]

#: Touch targets of at least 44 px, text readable at arm's length, everything wraps at 768 px,
#: scales on one line (tablet, few short options) or one option per line, table headers that
#: never break inside a word, links that look like links, the connection banner,
#: and a 3 px focus ring on whatever has the keyboard focus (ipywidgets' own CSS removes the
#: outline of text boxes and drop-downs and gives buttons a 1 px pale one).
TABLET_CSS = """
<style>
.mt-app { font-size: 18px; line-height: 1.4; max-width: 100%; box-sizing: border-box;
  padding: 0 8px; overflow-wrap: anywhere; }
.mt-app * { box-sizing: border-box; }
.mt-app .widget-html, .mt-app .widget-html-content, .mt-app .widget-label { font-size: 18px;
  white-space: normal; height: auto; line-height: 1.4; }
.mt-app .jupyter-widgets { max-width: 100%; }
.mt-app .widget-hbox, .mt-app .widget-box { flex-wrap: wrap; max-width: 100%; }
.mt-app button.jupyter-button, .mt-app .jupyter-button { min-height: 48px; min-width: 48px;
  font-size: 18px; padding: 0 18px; margin: 4px; border-radius: 6px; }
.mt-app input[type=text], .mt-app input[type=date], .mt-app input[type=time],
.mt-app input[type=number], .mt-app textarea, .mt-app select { min-height: 44px; font-size: 18px; }
.mt-app .widget-text, .mt-app .widget-textarea, .mt-app .widget-datepicker,
.mt-app .widget-timepicker, .mt-app .widget-dropdown { width: 100%; max-width: 32em; height: auto; }
.mt-app .widget-radio-box { flex-direction: column; }
.mt-app .widget-radio-box label { min-height: 44px; height: auto; display: flex; align-items: center;
  flex-direction: row-reverse; justify-content: flex-end;
  font-size: 18px; padding: 4px 6px; margin: 2px 0; border: 1px solid #ccc; border-radius: 6px;
  background: #fafafa; cursor: pointer; white-space: normal; }
.mt-app .widget-radio-box input { width: 26px; height: 26px; margin-right: 10px; flex: none; }
@media (min-width: 600px) {
  .mt-app .mt-scale-row .widget-radio-box { display: grid; grid-auto-flow: column;
    grid-auto-columns: minmax(0, 1fr); gap: 6px; }
  .mt-app .mt-scale-row .widget-radio-box label { margin: 0; justify-content: flex-start; }
}
.mt-app .widget-radio, .mt-app .widget-radio-box { width: 100%; height: auto; }
.mt-app .widget-checkbox { width: 100%; height: auto; min-height: 44px; }
.mt-app .widget-checkbox label { min-height: 44px; display: flex; align-items: center;
  font-size: 18px; white-space: normal; cursor: pointer; }
.mt-app .widget-checkbox input { width: 26px; height: 26px; margin-right: 10px; flex: none; }
.mt-app .widget-toggle-buttons .widget-toggle-button { min-height: 44px; min-width: 64px; font-size: 16px; }
.mt-app .mt-question { border-left: 4px solid #d0d7de; padding: 6px 10px; margin: 10px 0;
  width: 100%; }
.mt-app .mt-label { font-weight: 600; }
.mt-app .mt-hint { color: #555; font-style: italic; }
.mt-app .mt-error { color: #b00020; font-weight: 600; }
.mt-app .mt-ok { color: #1b5e20; font-weight: 600; }
.mt-app .mt-warn { color: #8a4b00; font-weight: 600; background: #fff4e0; padding: 6px; }
.mt-app .mt-calc { background: #f1f3f5; padding: 6px 10px; border-radius: 6px; }
.mt-app .mt-entry { border: 1px dashed #999; border-radius: 6px; padding: 6px; margin: 8px 0;
  width: 100%; }
.mt-app .mt-repeat { margin-bottom: 16px; }
.mt-app .mt-scroll { max-width: 100%; overflow-x: auto; }
.mt-app table.mt-table { border-collapse: collapse; font-size: 16px; }
.mt-app table.mt-table td, .mt-app table.mt-table th { border: 1px solid #ccc; padding: 4px 8px;
  overflow-wrap: normal; word-break: keep-all; hyphens: none; }
.mt-app table.mt-table th { background: #f1f3f5; text-align: left; vertical-align: bottom; }
.mt-app .mt-progress { width: 100%; }
.mt-app a { display: inline-block; min-height: 44px; padding: 10px 4px; color: #0b57d0;
  text-decoration: underline; text-underline-offset: 3px; font-weight: 600; }
.mt-app a:hover { color: #083c8f; }
.mt-app textarea { field-sizing: content; min-height: 6em; resize: vertical; }
.mt-app .mt-connection { position: fixed; top: 0; left: 0; right: 0; z-index: 1000; padding: 10px 12px;
  border-radius: 6px; font-weight: 600; margin: 4px 0; }
.mt-app .mt-connection-lost { background: #b00020; color: #fff; }
.mt-app .mt-connection-back { background: #1b5e20; color: #fff; }
body.mt-offline .mt-app .mt-needs-server, body.mt-offline .mt-app button.mt-needs-server {
  opacity: 0.45; }
.mt-app .mt-confirm { border: 2px solid #8a4b00; border-radius: 6px; padding: 6px; margin: 8px 0; }
.mt-app .mt-reference { font-size: 20px; }
.mt-app :focus-visible, .mt-app button.jupyter-button:focus-visible,
.mt-app input:focus, .mt-app select:focus, .mt-app textarea:focus {
  outline: 3px solid #1565c0 !important; outline-offset: 2px; }
.mt-app .widget-radio-box label:focus-within, .mt-app .widget-checkbox label:focus-within {
  border-color: #1565c0; box-shadow: 0 0 0 2px #1565c0; background: #e3f2fd; }
</style>
"""


def style() -> widgets.HTML:
    """An HTML widget that injects :data:`TABLET_CSS`; put it first in an app's root box.

    Examples
    --------
    >>> css = style().value
    >>> css.split()[0], "min-height: 48px" in css
    ('<style>', True)
    """
    return widgets.HTML(TABLET_CSS)
