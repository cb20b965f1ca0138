"""Choice lists: shared (``choice_lists``) or written inside a question; codes, labels in
each language, « ne sait pas / refus » codes marked as non-substantive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from toolkit.builder.errors import BuilderError, refuse
from toolkit.builder.expressions import EXPRESSION_KEYS, mentions_code, recode
from toolkit.builder.nodes import CHOICE_ORDER, QUESTION_ORDER, TOP_ORDER, choice_node, code_value
from toolkit.builder.properties import PropertyEdits, text_values
from toolkit.builder.splice import Splice
from toolkit.builder.tree import Located, canonical, get
from toolkit.instruments.loader import NAME_RE
from toolkit.instruments.model import CHOICE_TYPES

__all__ = ["ChoiceEdits", "ChoiceRow", "ListInfo"]


@dataclass(frozen=True)
class ChoiceRow:
    """One choice as the builder shows it."""

    code: str
    labels: dict[str, str]
    missing: bool = False
    #: Keys of the choice the builder has no control for (``filter``…), kept as they are.
    other_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListInfo:
    """A choice list and the questions that use it."""

    name: str
    inline: bool
    rows: tuple[ChoiceRow, ...]
    users: tuple[str, ...] = field(default=())

    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.rows)


def _row_key(code: str, labels: Mapping[str, str], missing: bool) -> tuple:
    return (str(code).strip(), tuple(sorted(labels.items())), bool(missing))


class ChoiceEdits(PropertyEdits):
    """Choice lists and their choices."""

    # ------------------------------------------------------------------ reading

    def _lists(self) -> CommentedMap | None:
        lists = self._document.get("choice_lists")
        return lists if isinstance(lists, CommentedMap) else None

    def _resolve(self, list_ref: str) -> tuple[CommentedSeq, str, bool, list[Located]]:
        """(rows, list name, inline, questions using it) for a list name or a question."""
        lists = self._lists()
        if lists is not None and list_ref in lists and isinstance(lists[list_ref], CommentedSeq):
            users = [q for q in self.questions() if get(q.node, "choices") == list_ref]
            return lists[list_ref], list_ref, False, self._with_rows(users)
        try:
            found = self.find(list_ref)
        except BuilderError:
            raise refuse("B009", name=list_ref) from None
        choices = get(found.node, "choices")
        if isinstance(choices, str):
            return self._resolve(choices)
        if not isinstance(choices, CommentedSeq):
            raise refuse("B008", ref=found.ref)
        return choices, found.name, True, self._with_rows([found])

    def _with_rows(self, users: list[Located]) -> list[Located]:
        """Questions using a list, with the rows of the Likert matrices among them."""
        out = list(users)
        for question in users:
            if question.type == "likert_matrix":
                out += [q for q in self.questions() if q.path[:-1] == question.path]
        return out

    def choices(self, list_ref: str) -> ListInfo:
        """The list named ``list_ref`` (or the list of question ``list_ref``)."""
        rows, name, inline, users = self._resolve(list_ref)
        out = []
        for row in rows:
            if not isinstance(row, CommentedMap):
                continue
            known = {"value", "label", "missing"}
            out.append(
                ChoiceRow(
                    code=str(row.get("value", "")).strip(),
                    labels=text_values(row.get("label"), self.default_language),
                    missing=row.get("missing") is True,
                    other_keys=tuple(str(k) for k in row if str(k) not in known),
                )
            )
        return ListInfo(name, inline, tuple(out), tuple(q.ref for q in users))

    def list_of(self, ref: str) -> ListInfo | None:
        """The choice list of question ``ref`` (``None`` for a question without choices)."""
        found = self.find(ref)
        if found.is_matrix_item:
            return self.list_of("/".join(found.path[:-1]))
        if get(found.node, "choices") is None:
            return None
        return self.choices(found.ref)

    # ------------------------------------------------------------------ which list

    def use_list(self, ref: str, list_name: str) -> None:
        """Make question ``ref`` use the shared list ``list_name``."""
        with self._editing(keep_valid=True):
            found = self.find(ref)
            if found.type not in CHOICE_TYPES:
                raise refuse("B008", ref=found.ref)
            lists = self._lists()
            if lists is None or list_name not in lists:
                raise refuse("B009", name=list_name)
            self._check_likert(found, [str(r.get("value")) for r in lists[list_name]])
            self._apply([self._splicer().set_key(found.node, "choices", list_name, QUESTION_ORDER)])

    def set_inline_choices(self, ref: str, rows: Sequence[ChoiceRow]) -> None:
        """Write question ``ref``'s own list (replacing a shared one it used)."""
        with self._editing(keep_valid=True):
            found = self.find(ref)
            if found.type not in CHOICE_TYPES:
                raise refuse("B008", ref=found.ref)
            self._check_rows(rows)
            self._check_likert(found, [r.code for r in rows])
            value = CommentedSeq([choice_node(r.code, r.labels, missing=r.missing) for r in rows])
            self._apply([self._splicer().set_key(found.node, "choices", value, QUESTION_ORDER)])

    def add_list(self, name: str, rows: Sequence[ChoiceRow]) -> str:
        """A new shared list (e.g. a scale taken from the catalogue); returns its name."""
        with self._editing(keep_valid=True):
            if not NAME_RE.match(name or ""):
                raise refuse("B004", name=name)
            lists = self._lists()
            if lists is not None and name in lists:
                raise refuse("B003", name=name)
            self._insert_list(name, rows)
            return name

    def _insert_list(self, name: str, rows: Sequence[ChoiceRow]) -> None:
        self._check_rows(rows)
        value = CommentedSeq([choice_node(r.code, r.labels, missing=r.missing) for r in rows])
        lists = self._lists()
        splicer = self._splicer()
        if lists is None:
            self._apply(
                [
                    splicer.set_key(
                        self._document, "choice_lists", CommentedMap({name: value}), TOP_ORDER
                    )
                ]
            )
        else:
            self._apply([splicer.set_key(lists, name, value)])

    def use_rows(self, ref: str, name: str, rows: Sequence[ChoiceRow]) -> str:
        """Make question ``ref`` use a list of ``rows`` picked from elsewhere (a reference
        list, another instrument's scale), in one edit: the draft's own list with the same
        rows when it has one, else a new shared list named ``name`` (``name_2``… when taken).

        Returns the name of the list the question now uses.
        """
        with self._editing(keep_valid=True):
            found = self.find(ref)
            if found.type not in CHOICE_TYPES:
                raise refuse("B008", ref=found.ref)
            self._check_rows(rows)
            self._check_likert(found, [r.code for r in rows], [r.missing for r in rows])
            current = self.list_of(found.ref)
            users = [q for q in self.questions() if q.ref == found.ref]
            for code in current.codes() if current is not None else ():
                using = self._code_users(self._with_rows(users), code)
                if code not in {r.code for r in rows} and using:
                    raise refuse("B012", code=code, users=", ".join(using))
            wanted = [_row_key(r.code, r.labels, r.missing) for r in rows]
            chosen = next(
                (
                    list_name
                    for list_name in self.list_names()
                    if [_row_key(r.code, r.labels, r.missing) for r in self.choices(list_name).rows]
                    == wanted
                ),
                None,
            )
            if chosen is None:
                if not NAME_RE.match(name or ""):
                    raise refuse("B004", name=name)
                taken = {*self.list_names(), *self.names()}
                chosen, number = name, 2
                while chosen in taken:
                    chosen, number = f"{name}_{number}", number + 1
                self._insert_list(chosen, rows)
            found = self.find(found.ref)
            self._apply([self._splicer().set_key(found.node, "choices", chosen, QUESTION_ORDER)])
            return chosen

    def delete_list(self, name: str) -> None:
        """Delete a shared list no question uses."""
        with self._editing(keep_valid=True):
            lists = self._lists()
            if lists is None or name not in lists:
                raise refuse("B009", name=name)
            users = [q.ref for q in self.questions() if get(q.node, "choices") == name]
            if users:
                raise refuse("B005", ref=name, users=", ".join(users))
            splicer = self._splicer()
            if len(lists) == 1:
                self._apply([splicer.remove_key(self._document, "choice_lists")])
            else:
                self._apply([splicer.remove_key(lists, name)])

    def _check_rows(self, rows: Sequence[ChoiceRow]) -> None:
        if not rows:
            raise refuse("B023")
        seen: set[str] = set()
        for row in rows:
            code = str(row.code).strip()
            if not code:
                raise refuse("B024")
            if code in seen:
                raise refuse("B010", code=code, list="")
            seen.add(code)

    def _check_likert(
        self, question: Located, codes: Sequence[str], missing: Sequence[bool] = ()
    ) -> None:
        if question.type in ("likert", "likert_matrix"):
            flags = list(missing) or [False] * len(codes)
            for code, is_missing in zip(codes, flags, strict=False):
                if not is_missing and not str(code).lstrip("-").isdigit():
                    raise refuse("B022", code=code)

    # ------------------------------------------------------------------ choices

    def _row(self, rows: CommentedSeq, name: str, code: str) -> int:
        for index, row in enumerate(rows):
            if isinstance(row, CommentedMap) and str(row.get("value", "")).strip() == code:
                return index
        raise refuse("B011", code=code, list=name)

    def _likert_users(self, users: list[Located]) -> bool:
        return any(q.type in ("likert", "likert_matrix") for q in users)

    def add_choice(
        self,
        list_ref: str,
        code: str,
        labels: Mapping[str, str],
        *,
        missing: bool = False,
        position: int | None = None,
    ) -> None:
        """Add a choice (``missing=True``: « ne sait pas », « refus »… kept out of means)."""
        code = str(code).strip()
        with self._editing(keep_valid=True):
            rows, name, _inline, users = self._resolve(list_ref)
            if not code:
                raise refuse("B024")
            if code in [
                str(r.get("value", "")).strip() for r in rows if isinstance(r, CommentedMap)
            ]:
                raise refuse("B010", code=code, list=name)
            if self._likert_users(users) and not missing and not code.lstrip("-").isdigit():
                raise refuse("B022", code=code)
            index = len(rows) if position is None else max(0, min(position, len(rows)))
            node = choice_node(code, labels or {self.default_language: code}, missing=missing)
            self._apply([self._splicer().insert_item(rows, index, node)])

    def set_choice_label(
        self, list_ref: str, code: str, text: str, lang: str | None = None
    ) -> None:
        """The label of a choice in ``lang`` (empty: remove that translation)."""
        lang = lang or self.default_language
        with self._editing():
            rows, name, _inline, _users = self._resolve(list_ref)
            row = rows[self._row(rows, name, code)]
            splices = self._text_splices(row, "label", text.strip(), lang, CHOICE_ORDER)
            self._apply(splices)

    def set_choice_missing(self, list_ref: str, code: str, missing: bool) -> None:
        """Mark a choice as non-substantive (« ne sait pas », « refus ») or not."""
        with self._editing(keep_valid=True):
            rows, name, _inline, users = self._resolve(list_ref)
            row = rows[self._row(rows, name, code)]
            if not missing and self._likert_users(users) and not code.lstrip("-").isdigit():
                raise refuse("B022", code=code)
            splicer = self._splicer()
            if missing:
                self._apply([splicer.set_key(row, "missing", True, CHOICE_ORDER)])
            elif "missing" in row:
                self._apply([splicer.remove_key(row, "missing")])

    def move_choice(self, list_ref: str, code: str, position: int) -> None:
        with self._editing(keep_valid=True):
            rows, name, _inline, _users = self._resolve(list_ref)
            index = self._row(rows, name, code)
            position = max(0, min(position, len(rows) - 1))
            if position == index:
                return
            node = rows[index]
            splicer = self._splicer()
            self._apply([splicer.remove_item(rows, index)])
            rows, _name, _inline, _users = self._resolve(list_ref)
            self._apply([self._splicer().insert_item(rows, position, node)])

    def _code_users(self, users: list[Located], code: str) -> list[str]:
        names = {q.name for q in users}
        out = []
        for question in self.questions():
            for key, value in question.node.items():
                if canonical(key) not in EXPRESSION_KEYS or not isinstance(value, str):
                    continue
                own = question.name in names
                if mentions_code(value, names, code, current=own) or (
                    own and canonical(key) == "default" and value.strip() == code
                ):
                    out.append(question.ref)
                    break
        return out

    def delete_choice(self, list_ref: str, code: str) -> None:
        """Delete a choice no expression compares with (a list keeps at least one choice)."""
        with self._editing(keep_valid=True):
            rows, name, _inline, users = self._resolve(list_ref)
            index = self._row(rows, name, code)
            if len(rows) == 1:
                raise refuse("B023")
            using = self._code_users(users, code)
            if using:
                raise refuse("B012", code=code, users=", ".join(using))
            self._apply([self._splicer().remove_item(rows, index)])
            for question in users:
                original = self.renames.original_of(question.name)
                if original is None:
                    continue
                mapping = self.renames.codes.get(original, {})
                first = next((o for o, c in mapping.items() if c == code), None)
                if first is not None:
                    del mapping[first]
                    self.renames.dropped_codes.setdefault(original, set()).add(first)
                elif code in self._original_codes(original):
                    self.renames.dropped_codes.setdefault(original, set()).add(code)

    def _original_codes(self, original_name: str) -> tuple[str, ...]:
        if self.original is None:
            return ()
        try:
            choice_list = self.original.choices_of(original_name)
        except KeyError:
            return ()
        return choice_list.values() if choice_list is not None else ()

    def rename_choice(self, list_ref: str, old: str, new: str) -> None:
        """Change a choice's code; the expressions comparing with it follow.

        Answers already collected with the old code line up with the new one across versions
        (:attr:`renames`).
        """
        old, new = str(old).strip(), str(new).strip()
        with self._editing(keep_valid=True):
            rows, name, _inline, users = self._resolve(list_ref)
            index = self._row(rows, name, old)
            if old == new:
                return
            if not new:
                raise refuse("B024")
            if new in [
                str(r.get("value", "")).strip() for r in rows if isinstance(r, CommentedMap)
            ]:
                raise refuse("B010", code=new, list=name)
            row = rows[index]
            if (
                self._likert_users(users)
                and row.get("missing") is not True
                and not new.lstrip("-").isdigit()
            ):
                raise refuse("B022", code=new)
            splicer = self._splicer()
            splices: list[Splice] = [splicer.replace(row, "value", code_value(new))]
            names = {q.name for q in users}
            for question in self.questions():
                own = question.name in names
                for key in list(question.node):
                    value = question.node[key]
                    if canonical(key) not in EXPRESSION_KEYS or not isinstance(value, str):
                        continue
                    if own and canonical(key) == "default" and value.strip() == old:
                        splices.append(splicer.replace(question.node, key, new))
                        continue
                    changed = recode(value, names, old, new, current=own)
                    if changed is not None:
                        splices.append(splicer.replace(question.node, key, changed))
            self._apply(splices)
            for question in users:
                original = self.renames.original_of(question.name)
                if original is None:
                    continue
                mapping = self.renames.codes.setdefault(original, {})
                first = next((o for o, c in mapping.items() if c == old), None)
                if first is None and old in self._original_codes(original):
                    first = old
                if first is None:
                    continue
                if first == new:
                    mapping.pop(first, None)
                else:
                    mapping[first] = new
                if not mapping:
                    self.renames.codes.pop(original, None)
