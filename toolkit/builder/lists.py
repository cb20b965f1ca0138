"""Choice lists to pick from: the lists of the instruments in ``surveys/`` (scales, yes/no,
sectors…) and the reference lists of mediation activity (``surveys/listes/*.yaml``: types
of conflict, intervention modes, outcomes, partners, technical categories).

A reference file maps a list name to rows ``[code, French label, English label]``, or to
choices written as in an instrument (``{value: …, label: {fr: …, en: …}, missing: true}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from toolkit.builder.choices import ChoiceRow
from toolkit.errors import InstrumentError
from toolkit.i18n import Text, t
from toolkit.instruments import Instrument, load

__all__ = ["SharedList", "reference_lists", "shared_lists"]

#: Sub-folder of ``surveys/`` holding reference lists.
REFERENCE_FOLDER = "listes"


@dataclass(frozen=True)
class SharedList:
    """A list offered to a new question.

    ``key`` identifies it in menus, ``name`` is the name it gets in the instrument,
    ``title`` what the menu says, ``sources`` where it comes from.
    """

    key: str
    name: str
    title: Text | None
    rows: tuple[ChoiceRow, ...]
    sources: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """What a menu shows: the reference list's title, and the first choices."""
        preview = self.preview(lang)
        return f"{self.title.get(lang)} : {preview}" if self.title is not None else preview

    def preview(self, lang: str, *, limit: int = 4) -> str:
        """The first labels, « … » and the non-substantive ones, e.g. « Jamais, Rarement… »."""
        substantive = [r for r in self.rows if not r.missing]
        labels = [_label(r, lang) for r in substantive[:limit]]
        text = ", ".join(labels) + ("…" if len(substantive) > limit else "")
        missing = [_label(r, lang) for r in self.rows if r.missing]
        if missing:
            text += " (+ " + ", ".join(missing) + ")"
        return text


def _label(row: ChoiceRow, lang: str) -> str:
    return row.labels.get(lang) or next(iter(row.labels.values()), row.code)


def _rows(instrument: Instrument, name: str) -> tuple[ChoiceRow, ...]:
    choice_list = instrument.choice_lists[name]
    return tuple(
        ChoiceRow(code=c.value, labels=c.label.to_plain(), missing=c.missing)
        for c in choice_list.choices
    )


def shared_lists(
    surveys: Path | None = None, *, instruments: Iterable[Instrument] | None = None
) -> list[SharedList]:
    """Every list of the instruments of ``surveys`` (valid files only), the same list
    found in several instruments given once, then the reference lists."""
    if instruments is None:
        from toolkit.collect import instrument_files

        loaded = []
        for path in instrument_files(surveys):
            try:
                loaded.append(load(path))
            except InstrumentError:
                continue
        instruments = loaded
    by_rows: dict[tuple, SharedList] = {}
    for instrument in instruments:
        title = instrument.title.get(instrument.default_language)
        for name, choice_list in instrument.choice_lists.items():
            if choice_list.inline:
                continue
            rows = _rows(instrument, name)
            same = tuple((r.code, tuple(sorted(r.labels.items())), r.missing) for r in rows)
            found = by_rows.get(same)
            if found is not None:
                by_rows[same] = SharedList(
                    found.key, found.name, found.title, rows, (*found.sources, title)
                )
                continue
            by_rows[same] = SharedList(
                key=f"{instrument.id}:{name}",
                name=name,
                title=None,
                rows=rows,
                sources=(title,),
            )
    return [*by_rows.values(), *reference_lists(surveys)]


def reference_lists(surveys: Path | None = None) -> list[SharedList]:
    """The reference lists of ``surveys/listes/*.yaml`` (unreadable files are skipped)."""
    from toolkit.collect import surveys_dir

    folder = (surveys or surveys_dir()) / REFERENCE_FOLDER
    if not folder.is_dir():
        return []
    yaml = YAML(typ="safe")
    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError):
            continue
        if not isinstance(data, Mapping):
            continue
        for name, raw in data.items():
            rows = _reference_rows(raw)
            if rows:
                key = f"builder.reference.{name}"
                titles = {lang: t(key, lang) for lang in ("fr", "en")}
                if titles["fr"] == key:
                    titles = {"fr": str(name).replace("_", " ").capitalize()}
                out.append(
                    SharedList(
                        key=f"{REFERENCE_FOLDER}:{path.stem}:{name}",
                        name=str(name),
                        title=Text.of(titles),
                        rows=rows,
                        sources=(t("builder.reference.source"),),
                    )
                )
    return out


def _reference_rows(raw: object) -> tuple[ChoiceRow, ...]:
    if not isinstance(raw, list):
        return ()
    rows = []
    for item in raw:
        if (
            isinstance(item, list)
            and len(item) >= 2
            and all(isinstance(x, str | int) for x in item)
        ):
            labels = {"fr": str(item[1])}
            if len(item) >= 3:
                labels["en"] = str(item[2])
            rows.append(ChoiceRow(code=str(item[0]), labels=labels))
        elif isinstance(item, Mapping) and "value" in item:
            label = item.get("label")
            labels = (
                {str(k): str(v) for k, v in label.items()}
                if isinstance(label, Mapping)
                else {"fr": str(label if label is not None else item["value"])}
            )
            rows.append(
                ChoiceRow(
                    code=str(item["value"]), labels=labels, missing=item.get("missing") is True
                )
            )
        else:
            return ()
    codes = [r.code for r in rows]
    return tuple(rows) if len(set(codes)) == len(codes) else ()
