"""Sections and questions: find, add, move, duplicate, delete."""

from __future__ import annotations

import copy
import difflib
from types import EllipsisType

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.base import DraftBase
from toolkit.builder.errors import refuse, type_label
from toolkit.builder.expressions import EXPRESSION_KEYS, TEXT_KEYS, refers_to, rename_references
from toolkit.builder.lines import reindent
from toolkit.builder.nodes import BUILDER_TYPES, TOP_ORDER, question_node
from toolkit.builder.tree import Located, canonical, layout_key, walk
from toolkit.i18n import Msg
from toolkit.instruments.loader import NAME_RE

__all__ = ["StructureEdits"]

_CONTAINERS = ("group", "repeat")


class StructureEdits(DraftBase):
    """Finding, adding, moving, duplicating and deleting sections and questions."""

    # ------------------------------------------------------------------ finding

    @property
    def layout(self) -> str:
        """``sections`` (pages) or ``questions`` (one flat list)."""
        return layout_key(self._document)

    @property
    def languages(self) -> tuple[str, ...]:
        raw = self._document.get("languages")
        if isinstance(raw, list) and raw and all(isinstance(x, str) for x in raw):
            return tuple(str(x) for x in raw)
        return ("fr", "en")

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def questions(self) -> list[Located]:
        """Every section, container, question and matrix row, in order."""
        return list(walk(self._document))

    def names(self) -> list[str]:
        return [q.name for q in self.questions()]

    def find(self, ref: str) -> Located:
        """The question named ``ref`` (or at path ``"section/name"``).

        Raises
        ------
        BuilderError
            ``B001`` no such question, ``B002`` several questions carry that name.
        """
        found = [q for q in self.questions() if ref in (q.ref, q.name)]
        exact = [q for q in found if q.ref == ref]
        if exact:
            return exact[0]
        if len(found) == 1:
            return found[0]
        if not found:
            close = difflib.get_close_matches(ref, self.names(), n=1, cutoff=0.6)
            suggestion = Msg.of("hint.did_you_mean", name=close[0]) if close else ""
            raise refuse("B001", ref=ref, suggestion=suggestion)
        raise refuse("B002", ref=ref, paths=", ".join(q.ref for q in found))

    def sections(self) -> list[Located]:
        """The top-level items (the pages of a ``sections`` instrument)."""
        return [q for q in self.questions() if len(q.path) == 1]

    def children(self, ref: str | None) -> list[Located]:
        """The questions directly inside ``ref`` (the top level for ``None``)."""
        if ref is None:
            return self.sections()
        parent = self.find(ref)
        return [q for q in self.questions() if q.path[:-1] == parent.path]

    def parent_of(self, ref: str) -> str | None:
        found = self.find(ref)
        return "/".join(found.path[:-1]) or None

    # ------------------------------------------------------------------ checks on names

    def check_name(self, name: str, *, allow: str | None = None) -> None:
        """Refuse an invalid name (``B004``) or one already used (``B003``)."""
        if not NAME_RE.match(name or ""):
            raise refuse("B004", name=name)
        if name != allow and name in self.names():
            raise refuse("B003", name=name)

    def free_name(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``… whichever is not used yet."""
        taken = set(self.names())
        if base not in taken:
            return base
        number = 2
        while f"{base}_{number}" in taken:
            number += 1
        return f"{base}_{number}"

    def users(self, name: str) -> list[str]:
        """Questions (and analysis roles) whose expressions refer to ``name``."""
        out = []
        for question in self.questions():
            if question.name == name:
                continue
            for key, value in question.node.items():
                if (
                    canonical(key) in EXPRESSION_KEYS
                    and isinstance(value, str)
                    and refers_to(value, name)
                ):
                    out.append(question.ref)
                    break
        analysis = self._document.get("analysis")
        if isinstance(analysis, CommentedMap):
            for key, value in analysis.items():
                values = value if isinstance(value, list) else [value]
                if key == "quotas" and isinstance(value, CommentedMap):
                    values = list(value.get("by") or [])
                if name in [str(v) for v in values]:
                    out.append(f"analysis.{key}")
        return out

    # ------------------------------------------------------------------ adding

    def _container(self, parent: str | None) -> tuple[CommentedSeq | None, Located | None]:
        if parent is None:
            seq = self._document.get(self.layout)
            return (seq if isinstance(seq, CommentedSeq) else None), None
        found = self.find(parent)
        key = "items" if found.type == "likert_matrix" else "questions"
        seq = found.node.get(key)
        return (seq if isinstance(seq, CommentedSeq) else None), found

    def add_question(
        self,
        name: str,
        qtype: str,
        *,
        parent: str | None = None,
        position: int | None = None,
        label: dict[str, str] | None = None,
        choices: str | None = None,
    ) -> str:
        """Add a question of type ``qtype`` inside ``parent`` (a section, group, repeat or
        Likert matrix) at ``position`` (default: at the end); returns its reference.

        A new choice question gets two placeholder choices (or the shared list ``choices``);
        a new group or repeat gets a first question; a row of a Likert matrix is added when
        ``parent`` is a matrix (``qtype`` is then ``likert``).
        """
        with self._editing(keep_valid=True):
            return self._add(name, qtype, parent, position, label, choices, section=False)

    def add_section(
        self, name: str, *, position: int | None = None, label: dict[str, str] | None = None
    ) -> str:
        """Add a section (a page) with one first question to edit; returns its reference."""
        with self._editing(keep_valid=True):
            qtype = "group"
            return self._add(name, qtype, None, position, label, None, section=True)

    def _add(
        self,
        name: str,
        qtype: str,
        parent: str | None,
        position: int | None,
        label: dict[str, str] | None,
        choices: str | None,
        *,
        section: bool,
    ) -> str:
        self.check_name(name)
        lang = self.default_language
        seq, holder = self._container(parent)
        matrix = holder is not None and holder.type == "likert_matrix"
        if matrix:
            qtype = "likert"
        elif qtype not in BUILDER_TYPES:
            raise refuse("B013", type=qtype)
        if holder is not None and holder.type not in (*_CONTAINERS, "likert_matrix"):
            raise refuse("B007", type=type_label(qtype))
        top_level = holder is None
        if top_level and self.layout == "sections" and qtype not in _CONTAINERS:
            raise refuse("B007", type=type_label(qtype))
        if choices is not None and choices not in self.list_names():
            raise refuse("B009", name=choices)
        child = None
        if qtype in (*_CONTAINERS, "likert_matrix") or section:
            child_name = self.free_name(f"{name}_1")
            child = question_node(
                child_name,
                "likert" if qtype == "likert_matrix" else "text",
                lang=lang,
                matrix_item=qtype == "likert_matrix",
            )
        node = question_node(
            name,
            qtype,
            lang=lang,
            label=label,
            choices=choices,
            child=child,
            section=section and top_level,
            matrix_item=matrix,
        )
        if seq is None:
            self._create_top(node)
        else:
            index = len(seq) if position is None else max(0, min(position, len(seq)))
            self._apply([self._splicer().insert_item(seq, index, node)])
        self.renames.created.add(name)
        if child is not None:
            self.renames.created.add(str(child["name"]))
        return self.find(name).ref

    def _create_top(self, node: CommentedMap) -> None:
        splicer = self._splicer()
        self._apply([splicer.set_key(self._document, self.layout, CommentedSeq([node]), TOP_ORDER)])

    # ------------------------------------------------------------------ deleting

    def delete(self, ref: str) -> None:
        """Delete a question, a container with what it holds, or a section.

        Raises
        ------
        BuilderError
            ``B005`` another question's expression (or an analysis role) uses it; ``B006``
            its container would be left empty.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            inside = {q.name for q in self.questions() if q.path[: len(found.path)] == found.path}
            for name in sorted(inside):
                users = [u for u in self.users(name) if u.split("/")[-1] not in inside]
                if users:
                    raise refuse("B005", ref=name, users=", ".join(users))
            if len(found.container) == 1:
                raise refuse("B006", ref=found.ref)
            self._apply([self._splicer().remove_item(found.container, found.index)])
            for name in inside:
                self.renames.created.discard(name)
                self._forget(name)

    def _forget(self, name: str) -> None:
        """A question of the original file was deleted: its renames no longer apply."""
        original = next((o for o, c in self.renames.questions.items() if c == name), None)
        key = original if original is not None else name
        self.renames.questions.pop(key, None)
        self.renames.codes.pop(key, None)
        self.renames.dropped_codes.pop(key, None)

    # ------------------------------------------------------------------ moving

    def move(self, ref: str, *, parent: str | EllipsisType | None = ..., position: int) -> str:
        """Move a question to ``position`` inside ``parent`` (default: where it is).

        ``parent=None`` is the top level. Returns the question's new reference.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            current_parent = "/".join(found.path[:-1]) or None
            target_parent = current_parent if isinstance(parent, EllipsisType) else parent
            self._check_move(found, target_parent)
            if target_parent == current_parent:
                size = len(found.container)
                position = max(0, min(position, size - 1))
                if position == found.index:
                    return found.ref
            elif len(found.container) == 1:
                raise refuse("B006", ref=current_parent or "")
            splicer = self._splicer()
            gap = splicer.separator(found.container)
            lines, column = splicer.item_lines(found.container, found.index)
            node = copy.deepcopy(found.node)
            self._apply([splicer.remove_item(found.container, found.index)])
            seq, _holder = self._container(target_parent)
            if seq is None:
                raise refuse("B007", type=type_label(found.type))
            index = max(0, min(position, len(seq)))
            splicer = self._splicer()
            if len(seq) and not seq.fa.flow_style():
                target_column = splicer.blocks(seq)[0].column
                moved = reindent(lines, target_column - column)
                self._apply([splicer.insert_lines(seq, index, moved, gap=gap)])
            else:
                self._apply([splicer.insert_item(seq, index, node)])
            path = (target_parent + "/" if target_parent else "") + found.name
            return self.find(path).ref

    def _check_move(self, found: Located, target: str | None) -> None:
        if target is None:
            if self.layout == "sections" and found.type not in _CONTAINERS:
                raise refuse("B007", type=type_label(found.type))
            return
        holder = self.find(target)
        if holder.path[: len(found.path)] == found.path:
            raise refuse("B007", type=type_label(found.type))
        if found.is_matrix_item != (holder.type == "likert_matrix"):
            raise refuse("B007", type=type_label(found.type))
        if holder.type not in (*_CONTAINERS, "likert_matrix"):
            raise refuse("B007", type=type_label(found.type))

    def move_up(self, ref: str) -> str:
        """One place up; the first question of a section goes to the end of the one above."""
        return self._step(ref, -1)

    def move_down(self, ref: str) -> str:
        """One place down; the last question of a section goes to the start of the next one."""
        return self._step(ref, +1)

    def _step(self, ref: str, delta: int) -> str:
        found = self.find(ref)
        parent = "/".join(found.path[:-1]) or None
        target = found.index + delta
        if 0 <= target < len(found.container):
            return self.move(ref, parent=parent, position=target)
        if parent is None or len(found.path) != 2 or len(found.container) == 1:
            return found.ref
        sections = self.sections()
        index = next(i for i, s in enumerate(sections) if s.ref == parent) + delta
        if not 0 <= index < len(sections) or sections[index].type not in _CONTAINERS:
            return found.ref
        neighbour = sections[index]
        size = len(self.children(neighbour.ref))
        return self.move(ref, parent=neighbour.ref, position=size if delta < 0 else 0)

    # ------------------------------------------------------------------ duplicating

    def duplicate(self, ref: str, new_name: str | None = None) -> str:
        """A copy right after the question (a container is copied with what it holds).

        Every copied name gets a free ``_2``-style suffix (``new_name`` for the top one), and
        the copy's expressions refer to the copied questions. Returns the copy's reference.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            node = copy.deepcopy(found.node)
            taken = set(self.names())
            renamed: dict[str, str] = {}

            def fresh(base: str) -> str:
                number = 2
                while f"{base}_{number}" in taken:
                    number += 1
                return f"{base}_{number}"

            def visit(item: CommentedMap, top: bool) -> None:
                old = str(item.get("name", ""))
                new = new_name if top and new_name else fresh(old)
                if top and new_name:
                    self.check_name(new_name)
                taken.add(new)
                renamed[old] = new
                item["name"] = new
                for key in ("questions", "items"):
                    for child in item.get(key) or ():
                        if isinstance(child, CommentedMap):
                            visit(child, False)

            visit(node, True)

            def rewrite(item: CommentedMap) -> None:
                for key in list(item):
                    value = item[key]
                    if canonical(key) not in (*EXPRESSION_KEYS, *TEXT_KEYS):
                        continue
                    if isinstance(value, str):
                        item[key] = _renamed(value, renamed)
                    elif isinstance(value, CommentedMap):
                        for lang in list(value):
                            if isinstance(value[lang], str):
                                value[lang] = _renamed(value[lang], renamed)
                for key in ("questions", "items"):
                    for child in item.get(key) or ():
                        if isinstance(child, CommentedMap):
                            rewrite(child)

            rewrite(node)
            self._apply([self._splicer().insert_item(found.container, found.index + 1, node)])
            self.renames.created.update(renamed.values())
            parent = "/".join(found.path[:-1])
            return self.find((parent + "/" if parent else "") + renamed[found.name]).ref

    # ------------------------------------------------------------------ lists (see choices)

    def list_names(self) -> list[str]:
        """Names of the shared choice lists of the draft."""
        lists = self._document.get("choice_lists")
        return [str(k) for k in lists] if isinstance(lists, CommentedMap) else []


def _renamed(text: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        text = rename_references(text, old, new)
    return text
