"""The entries of repeats in an export, at every level, linked to the rows they belong to.

Where they are, as each tool writes them:

* a sheet (KoboToolbox XLSX) or a file (ODK Central ZIP) per repeat, each row pointing at
  its parent: KoboToolbox's ``_parent_index`` (the ``_index`` of the parent row, in the main
  sheet or the parent repeat's sheet), ODK Central's ``PARENT_KEY`` (the parent's ``KEY``,
  ``uuid:…/menages[1]``), the toolkit's own ``response_id`` and ``<outer>_index`` columns;
  KoboToolbox cuts sheet names to 31 characters (``nom_tres_long_de_la_repet...``) and
  numbers the ones that become equal (``... (1)``);
* columns of the main row: a loop over a list (``equip/velo/nombre``), and the flattened
  repeats of older KoboCAT and Ona CSV exports (``enfants[1]/prenom``, ``enfants[2]/age``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from toolkit.errors import Problem
from toolkit.instruments import Instrument, Question
from toolkit.interop.records import KOBO, ODK, ColumnMatcher, Dialect, Record
from toolkit.interop.tables import Table

__all__ = ["Parent", "RepeatReader", "match_sheets"]

_CUT = re.compile(r"(\.\.\.|…)?(\s*\(\d+\))?\s*$")
_INDEXED = re.compile(r"^(?P<path>.+?)\[(?P<index>\d+)\][/-](?P<rest>.+)$")


@dataclass
class Parent:
    """Where the entries of a repeat go: a response or an entry of the enclosing repeat."""

    record: Record
    #: Field path of the entry (``menages[0].``), empty for the response itself.
    prefix: str
    #: The answers the entries are added to.
    target: dict


def match_sheets(
    instrument: Instrument, tables: Sequence[Table], dialect: Dialect
) -> tuple[dict[str, Table], list[Table]]:
    """The table of each repeat (by name) and the tables that match no repeat."""
    repeats = [q.name for q in instrument.repeats()]
    found: dict[str, Table] = {}
    left: list[Table] = []
    for table in tables[1:]:
        name = _repeat_of(table, repeats, found, dialect, instrument)
        if name is None:
            left.append(table)
        else:
            found[name] = table
    return found, left


def _repeat_of(
    table: Table,
    repeats: list[str],
    taken: Mapping[str, Table],
    dialect: Dialect,
    instrument: Instrument,
) -> str | None:
    free = [r for r in repeats if r not in taken]
    if table.name in free:
        return table.name
    if dialect is ODK:
        return next((r for r in free if table.name.endswith(f"-{r}")), None)
    stem = _CUT.sub("", table.name)
    candidates = [r for r in free if r.startswith(stem)] if len(stem) >= 20 else []
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    # Two repeats share the cut name: the one whose questions the sheet's columns name.
    matcher = ColumnMatcher(instrument, dialect)

    def overlap(repeat: str) -> int:
        fields = [q for q in instrument.fields() if instrument.repeat_of(q.name) == repeat]
        return sum(len(matcher.used_columns(q, table.columns)) for q in fields)

    return max(candidates, key=overlap)


class RepeatReader:
    """Reads the entries of every repeat of an export into the records of its responses."""

    def __init__(self, instrument: Instrument, dialect: Dialect, source: str) -> None:
        self.instrument = instrument
        self.dialect = dialect
        self.source = source
        self.matcher = ColumnMatcher(instrument, dialect)
        #: Repeat name (None: the responses) -> link -> where its entries go.
        self.links: dict[str | None, dict[str, Parent]] = {None: {}}
        self.problems: list[Problem] = []
        #: Columns of the main rows read as entries (loops, flattened repeats).
        self.used: set[str] = set()

    def fields(self, repeat: str | None) -> list[Question]:
        return [q for q in self.instrument.fields() if self.instrument.repeat_of(q.name) == repeat]

    # ------------------------------------------------------------------ sheets and files

    def add_responses(self, records: Sequence[Record], rows: Sequence[dict]) -> None:
        for record, row in zip(records, rows, strict=True):
            link = self.own_link(row, None, record)
            if link is not None:
                self.links[None][link] = Parent(record, "", record.answers)

    def own_link(self, row: Mapping[str, object], repeat: str | None, record: Record) -> str | None:
        if self.dialect is KOBO:
            return _text(row.get("_index"))
        if self.dialect is ODK:
            return _text(row.get("KEY")) or (record.key if repeat is None else None)
        if repeat is None:
            return _text(row.get("response_id"))
        keys = [row.get("response_id")]
        keys += [row.get(f"{r}_index") for r in self.instrument.repeat_path(repeat)]
        return "/".join(str(_text(k)) for k in [*keys, row.get("index")])

    def parent_link(self, row: Mapping[str, object], repeat: str) -> tuple[str, str | None]:
        """The column that names the parent of an entry row, and its value."""
        if self.dialect is KOBO:
            return "_parent_index", _text(row.get("_parent_index"))
        if self.dialect is ODK:
            return "PARENT_KEY", _text(row.get("PARENT_KEY"))
        outer = self.instrument.repeat_path(repeat)
        keys = [row.get("response_id"), *(row.get(f"{r}_index") for r in outer)]
        if any(_text(k) is None for k in keys):
            return "response_id", None
        return "response_id", "/".join(str(_text(k)) for k in keys)

    def attach_table(self, repeat: Question, table: Table) -> None:
        """The rows of ``table`` as entries of ``repeat``, each in its parent, in order."""
        parents = self.links.get(self.instrument.repeat_of(repeat.name), {})
        fields = self.fields(repeat.name)
        grouped: dict[str, list[tuple[tuple[int, float | str], int, dict, dict[str, object]]]] = {}
        for number, row in table.rows:
            column, link = self.parent_link(row, repeat.name)
            if link is None or link not in parents:
                self.problems.append(
                    Problem(
                        "X027",
                        {
                            "sheet": table.name,
                            "row": number,
                            "column": column,
                            "value": row.get(column, ""),
                        },
                        file=self.source,
                        line=number,
                    )
                )
                continue
            order = row.get("_index") if self.dialect is KOBO else row.get("index", number)
            answers = self.matcher.answers(fields, row)
            grouped.setdefault(link, []).append((_sortable(order), number, answers, row))
        for link, entries in grouped.items():
            entries.sort(key=lambda e: (e[0], e[1]))
            parent = parents[link]
            for _, number, answers, row in entries:
                entry = self.add_entry(parent, repeat.name, answers, (table.name, number))
                own = self.own_link(row, repeat.name, parent.record)
                if own is not None:
                    self.links.setdefault(repeat.name, {})[own] = entry

    def add_entry(
        self, parent: Parent, repeat: str, answers: dict, where: tuple[str, int]
    ) -> Parent:
        values = parent.target.setdefault(repeat, [])
        prefix = f"{parent.prefix}{repeat}[{len(values)}]"
        parent.record.entry_rows[prefix] = where
        values.append(answers)
        return Parent(parent.record, f"{prefix}.", answers)

    # ------------------------------------------------------------------ columns of a row

    def attach_columns(
        self, repeat: Question, parents: list[tuple[Parent, Mapping[str, object], tuple[str, int]]]
    ) -> list[tuple[Parent, Mapping[str, object], tuple[str, int]]]:
        """Entries of ``repeat`` read from the columns of each parent's row (loop items,
        flattened ``name[1]/x`` columns); returns the entries with their own sub-rows."""
        out: list[tuple[Parent, Mapping[str, object], tuple[str, int]]] = []
        fields = self.fields(repeat.name)
        for parent, row, where in parents:
            for sub_row in self.sub_rows(repeat, row):
                answers = self.matcher.answers(fields, sub_row)
                out.append((self.add_entry(parent, repeat.name, answers, where), sub_row, where))
        return out

    def sub_rows(self, repeat: Question, row: Mapping[str, object]) -> list[dict[str, object]]:
        """The parts of ``row`` that hold the entries of ``repeat``, keyed as inside it."""
        prefixes = self.matcher.candidates(repeat)
        if repeat.loop_over:
            entries = []
            for item in self.instrument.loop_items(repeat.name):
                heads = [f"{p}{sep}{item.value}{sep}" for p in prefixes for sep in "/-"]
                entries.append(self.take(row, heads))
            return entries if any(entries) else []
        by_index: dict[int, dict[str, object]] = {}
        for column, value in row.items():
            match = _INDEXED.match(column)
            if match and match.group("path") in prefixes:
                by_index.setdefault(int(match.group("index")), {})[match.group("rest")] = value
                self.used.add(column)
        return [by_index[i] for i in sorted(by_index)]

    def take(self, row: Mapping[str, object], heads: list[str]) -> dict[str, object]:
        out = {}
        for column, value in row.items():
            head = next((h for h in heads if column.startswith(h)), None)
            if head is not None:
                out[column[len(head) :]] = value
                self.used.add(column)
        return out


def _text(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sortable(value: object) -> tuple[int, float | str]:
    try:
        return (0, float(str(value)))
    except ValueError:
        return (1, str(value))
