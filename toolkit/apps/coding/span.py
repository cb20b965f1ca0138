"""A text widget whose selection is read back as offsets (anywidget; ipywidgets has none).

Offsets are counted in Unicode code points, as Python counts them: the browser measures the
selection in UTF-16 units, which differ for characters outside the basic plane, so the
front end converts before sending. Alt+→ and Alt+← ask for the next or previous segment.
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["SpanText"]

_ESM = r"""
function codePoints(text, units) { return Array.from(text.slice(0, units)).length; }
function unitsOf(text, points) { return Array.from(text).slice(0, points).join("").length; }
function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "mt-span-text";
  box.tabIndex = 0;
  el.appendChild(box);
  function draw() {
    const text = model.get("text") || "";
    const spans = (model.get("spans") || []).slice().sort((a, b) => a.start - b.start);
    box.textContent = "";
    let at = 0;
    for (const s of spans) {
      if (s.start < at) continue;
      box.appendChild(document.createTextNode(text.slice(unitsOf(text, at), unitsOf(text, s.start))));
      const mark = document.createElement("mark");
      mark.style.background = s.color || "#ffe08a";
      mark.title = s.label || "";
      mark.textContent = text.slice(unitsOf(text, s.start), unitsOf(text, s.end));
      box.appendChild(mark);
      at = s.end;
    }
    box.appendChild(document.createTextNode(text.slice(unitsOf(text, at))));
  }
  function offset(node, off) {
    const range = document.createRange();
    range.selectNodeContents(box);
    range.setEnd(node, off);
    return range.toString().length;
  }
  function report() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0) return;
    const r = sel.getRangeAt(0);
    if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) return;
    const text = model.get("text") || "";
    let a = codePoints(text, offset(r.startContainer, r.startOffset));
    let b = codePoints(text, offset(r.endContainer, r.endOffset));
    if (a > b) [a, b] = [b, a];
    model.set("selection", a === b ? [] : [a, b]);
    model.save_changes();
  }
  box.addEventListener("mouseup", report);
  box.addEventListener("keyup", report);
  box.addEventListener("touchend", report);
  const keys = (e) => {
    if (e.altKey && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      e.preventDefault();
      model.send({ nav: e.key === "ArrowRight" ? "next" : "previous" });
    }
  };
  document.addEventListener("keydown", keys);
  model.on("change:text", draw);
  model.on("change:spans", draw);
  draw();
  return () => document.removeEventListener("keydown", keys);
}
export default { render };
"""

_CSS = """
.mt-span-text { white-space: pre-wrap; font-size: 19px; line-height: 1.6; padding: 10px 12px;
  border: 1px solid #c8ced6; border-radius: 6px; background: #fff; max-width: 44em;
  overflow-wrap: anywhere; user-select: text; box-sizing: border-box; width: 100%; }
.mt-span-text mark { border-radius: 3px; padding: 0 1px; }
.mt-span-text:focus-visible { outline: 3px solid #1565c0; outline-offset: 2px; }
"""


class SpanText(anywidget.AnyWidget):
    """Shows ``text`` with coloured ``spans``; ``selection`` is ``[start, end]`` or ``[]``."""

    _esm = traitlets.Unicode(_ESM).tag(sync=True)
    _css = traitlets.Unicode(_CSS).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    #: ``{"start", "end", "color", "label"}`` per coded span, offsets in ``text``.
    spans: traitlets.List[dict[str, object]] = traitlets.List([]).tag(sync=True)
    selection: traitlets.List[int] = traitlets.List([]).tag(sync=True)
