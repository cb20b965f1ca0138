"""The codebook: hierarchical codes with their definitions, as frozen values.

A :class:`Codebook` never changes in place: :meth:`Codebook.add`, :meth:`~Codebook.rename`,
:meth:`~Codebook.move`, :meth:`~Codebook.merge` and :meth:`~Codebook.retire` return a new
codebook. Codes keep their ``id`` for life, so the codings that point at a code survive a
rename or a move; a merged code stays in the book, retired, with ``merged_into`` naming the
code that now stands for it, and codings attached to it count for that code
(:meth:`Codebook.resolve`).
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from toolkit.i18n import Text
from toolkit.qual.errors import qual_error

__all__ = ["CODE_STATUSES", "Code", "Codebook", "code_guid", "normalise_guid", "slug"]

CODE_STATUSES = ("active", "retired")
#: Namespace of the GUIDs derived from codebook and code ids (stable across exports).
_GUID_NAMESPACE = uuid.UUID("6f1d4c9e-2a51-4d37-9a77-5c0e7d1b8a10")
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_COLOUR = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
#: Colours given to codes that have none (colour-blind safe palette, Okabe & Ito).
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")


def code_guid(codebook_id: str, code_id: str) -> str:
    """A GUID derived from the ids, the same at every export (REFI-QDA ``guid``)."""
    return str(uuid.uuid5(_GUID_NAMESPACE, f"{codebook_id}/{code_id}"))


def slug(name: str, taken: set[str]) -> str:
    """A code id made from a label (``Nuisances sonores`` → ``nuisances_sonores``), unique
    among ``taken`` (which it joins).

    >>> slug("Accès aux droits", {"acces_aux_droits"})
    'acces_aux_droits_2'
    """
    folded = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    base = re.sub(r"[^A-Za-z0-9]+", "_", folded).strip("_").lower()[:60] or "code"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def normalise_guid(value: str) -> str:
    """Lower-case GUID without braces (REFI-QDA allows ``{…}`` and either case)."""
    text = str(value).strip().strip("{}").lower()
    return str(uuid.UUID(text))


@dataclass(frozen=True)
class Code:
    """One code of the book."""

    id: str
    label: Text
    parent: str | None = None
    definition: Text | None = None
    include: Text | None = None
    exclude: Text | None = None
    example: Text | None = None
    keywords: tuple[str, ...] = ()
    color: str | None = None
    status: str = "active"
    merged_into: str | None = None
    guid: str | None = None
    line: int | None = field(default=None, compare=False)

    @property
    def active(self) -> bool:
        return self.status == "active"

    def to_dict(self) -> dict:
        """Plain data for JSON (the store's codebook versions) and YAML."""
        out: dict[str, object] = {"id": self.id, "label": self.label.to_plain()}
        for key in ("definition", "include", "exclude", "example"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value.to_plain()
        if self.parent:
            out["parent"] = self.parent
        if self.keywords:
            out["keywords"] = list(self.keywords)
        for key in ("color", "merged_into", "guid"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.status != "active":
            out["status"] = self.status
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> Code:
        def text(key: str) -> Text | None:
            return Text.of(data[key]) if data.get(key) is not None else None

        return cls(
            id=str(data["id"]),
            label=Text.of(data["label"]) or Text.of(str(data["id"])),
            parent=data.get("parent"),
            definition=text("definition"),
            include=text("include"),
            exclude=text("exclude"),
            example=text("example"),
            keywords=tuple(str(k) for k in data.get("keywords", ())),
            color=data.get("color"),
            status=str(data.get("status", "active")),
            merged_into=data.get("merged_into"),
            guid=data.get("guid"),
        )


@dataclass(frozen=True)
class Codebook:
    """An ordered tree of codes (parents listed before their children)."""

    id: str
    title: Text
    codes: tuple[Code, ...]
    version: str = "1"
    source: str | None = field(default=None, compare=False)

    # -- reading --------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return any(c.id == code_id for c in self.codes)

    def get(self, code_id: str) -> Code:
        """The code with this id (``Q030`` when unknown)."""
        for code in self.codes:
            if code.id == code_id:
                return code
        raise qual_error("Q030", field="code", code=code_id, known=", ".join(self.ids()))

    def ids(self, *, active_only: bool = False) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes if c.active or not active_only)

    def active(self) -> tuple[Code, ...]:
        """Codes one can still assign, in book order."""
        return tuple(c for c in self.codes if c.active)

    def children(self, code_id: str | None) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.parent == code_id)

    def depth(self, code_id: str) -> int:
        depth, code = 0, self.get(code_id)
        while code.parent is not None:
            depth += 1
            code = self.get(code.parent)
        return depth

    def path(self, code_id: str, lang: str | None = None) -> str:
        """``Parent › Child`` labels, for tables and reports."""
        parts, code = [], self.get(code_id)
        while True:
            parts.append(code.label.get(lang))
            if code.parent is None:
                break
            code = self.get(code.parent)
        return " › ".join(reversed(parts))

    def resolve(self, code_id: str) -> str:
        """The code that stands for ``code_id`` today (follows ``merged_into``)."""
        seen = {code_id}
        current = code_id
        while True:
            code = next((c for c in self.codes if c.id == current), None)
            if code is None or code.merged_into is None:
                return current
            current = code.merged_into
            if current in seen:
                return current
            seen.add(current)

    def colour(self, code_id: str) -> str:
        """The code's colour, else one of :data:`PALETTE` picked by position."""
        code = self.get(code_id)
        if code.color:
            return code.color
        return PALETTE[self.ids().index(code_id) % len(PALETTE)]

    def guid(self, code_id: str) -> str:
        code = self.get(code_id)
        return code.guid or code_guid(self.id, code.id)

    # -- changes (each returns a new codebook) ----------------------------------------------
    def add(self, code: Code) -> Codebook:
        """Add a code (as the last child of its parent)."""
        _check_id(code.id)
        if code.id in self:
            raise qual_error("Q006", field="codes", id=code.id)
        if code.parent is not None:
            self.get(code.parent)
        if code.color is not None and not _COLOUR.match(code.color):
            raise qual_error("Q009", field=f"codes.{code.id}.color", got=code.color)
        return self._ordered([*self.codes, code])

    def rename(self, code_id: str, label: Text | str) -> Codebook:
        """Give a code a new label; its id, and so its codings, stay."""
        text = Text.of(label) if isinstance(label, str) else label
        if text is None or not text.get("fr").strip():
            raise qual_error("Q008", field=f"codes.{code_id}.label")
        return self.edit(code_id, label=text)

    def edit(self, code_id: str, **changes: object) -> Codebook:
        """Change fields of a code (label, definition, criteria, example, keywords, colour)."""
        allowed = {"label", "definition", "include", "exclude", "example", "keywords", "color"}
        unknown = set(changes) - allowed
        if unknown:
            raise qual_error(
                "Q005", field=", ".join(sorted(unknown)), suggestion=", ".join(sorted(allowed))
            )
        code = self.get(code_id)
        color = changes.get("color")
        if color is not None and not _COLOUR.match(str(color)):
            raise qual_error("Q009", field=f"codes.{code_id}.color", got=color)
        return self._replace(replace(code, **changes))  # type: ignore[arg-type]

    def move(self, code_id: str, parent: str | None) -> Codebook:
        """Put a code (with its children) under ``parent`` (``None``: top level)."""
        code = self.get(code_id)
        if parent is not None:
            self.get(parent)
            ancestor: str | None = parent
            while ancestor is not None:
                if ancestor == code_id:
                    raise qual_error("Q014", field=f"codes.{code_id}", parent=parent)
                ancestor = self.get(ancestor).parent
        return self._ordered(
            [replace(code, parent=parent) if c.id == code_id else c for c in self.codes]
        )

    def merge(self, source: str, target: str) -> Codebook:
        """Fold ``source`` into ``target``: ``source`` is retired and its codings count for
        ``target``; its children move under ``target``."""
        if source == target:
            raise qual_error("Q015", field="codes", code=source)
        self.get(source)
        if not self.get(target).active:
            raise qual_error("Q034", field="codes", code=target)
        codes = []
        for code in self.codes:
            if code.id == source:
                code = replace(code, status="retired", merged_into=target)
            elif code.parent == source:
                code = replace(code, parent=target)
            codes.append(code)
        return self._ordered(codes)

    def retire(self, code_id: str) -> Codebook:
        """Stop offering a code; its codings are kept (and shown as retired)."""
        code = self.get(code_id)
        return self._replace(replace(code, status="retired"))

    def restore(self, code_id: str) -> Codebook:
        """Offer a retired (not merged) code again."""
        code = self.get(code_id)
        return self._replace(replace(code, status="active", merged_into=None))

    # -- serialisation ----------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "kind": "codebook",
            "id": self.id,
            "version": self.version,
            "title": self.title.to_plain(),
            "codes": [c.to_dict() for c in self.codes],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping, *, source: str | None = None) -> Codebook:
        return cls(
            id=str(data["id"]),
            title=Text.of(data["title"]),
            codes=tuple(Code.from_dict(c) for c in data.get("codes", ())),
            version=str(data.get("version", "1")),
            source=source,
        )

    # -- internals --------------------------------------------------------------------------
    def _replace(self, new: Code) -> Codebook:
        return replace(self, codes=tuple(new if c.id == new.id else c for c in self.codes))

    def _ordered(self, codes: list[Code]) -> Codebook:
        """Depth-first order: every parent before its children, siblings kept in order."""
        by_parent: dict[str | None, list[Code]] = {}
        for code in codes:
            by_parent.setdefault(code.parent, []).append(code)
        ordered: list[Code] = []

        def walk(parent: str | None) -> None:
            for child in by_parent.get(parent, ()):
                ordered.append(child)
                walk(child.id)

        walk(None)
        return replace(self, codes=tuple(ordered))


def _check_id(code_id: str) -> None:
    if not isinstance(code_id, str) or not _ID.match(code_id):
        raise qual_error("Q007", field="codes.id", got=code_id)
