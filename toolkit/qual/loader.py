"""Load codebook files (YAML with ``kind: codebook``) with coded problems, file and line.

The file is read with ruamel.yaml in round-trip mode so that every key keeps its line; every
problem is collected (codes ``Q001``–``Q016``) before anything is built, as instruments are.

.. code-block:: yaml

    kind: codebook
    id: besoins
    version: "1"
    title: {fr: Besoins des habitants, en: Residents' needs}
    codes:
      - id: acces_droits
        label: {fr: Accès aux droits, en: Access to rights}
        definition: La personne parle d'une démarche, d'une aide ou d'un droit.
        include: démarches administratives, prestations, papiers
        exclude: emploi (code « emploi »)
        example: « Je n'arrive pas à faire ma demande de CAF en ligne. »
        keywords: [démarche, papiers, caf, dossier]
        color: "#0072B2"
        children:
          - id: numerique
            label: Démarches en ligne
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from toolkit.errors import Problem
from toolkit.i18n import LANGUAGES, Text
from toolkit.qual.codebook import Code, Codebook, normalise_guid
from toolkit.qual.errors import QualError
from toolkit.reading.lines import closest, line_of

__all__ = ["KIND", "is_codebook_file", "load_codebook", "loads_codebook", "validate_codebook"]

KIND = "codebook"
MAX_DEPTH = 4
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_COLOUR = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
_TOP = (("kind", "id", "title", "codes"), ("version", "description"))
_CODE = (
    ("id", "label"),
    (
        "definition",
        "include",
        "exclude",
        "example",
        "keywords",
        "color",
        "colour",
        "children",
        "guid",
        "status",
    ),
)
#: Spellings users write for the code keys (alias -> canonical).
ALIASES = {
    "libelle": "label",
    "libellé": "label",
    "couleur": "color",
    "colour": "color",
    "inclusion": "include",
    "exclusion": "exclude",
    "exemple": "example",
    "mots_cles": "keywords",
    "mots-clés": "keywords",
    "mots_clés": "keywords",
    "sous_codes": "children",
    "enfants": "children",
}


class _Reader:
    def __init__(self, file: str | None) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, line: int | None, field: str | None, **params: object) -> None:
        self.problems.append(Problem(code, params, self.file, line, field))

    @staticmethod
    def line(node: object, key: object = None) -> int | None:
        return line_of(node, key)

    def keys(self, node: Mapping, where: str, required: tuple, optional: tuple) -> dict:
        """The node with aliases resolved; reports missing (Q003) and unknown (Q005) keys."""
        out: dict = {}
        allowed = set(required) | set(optional)
        for key, value in node.items():
            canonical = ALIASES.get(str(key), str(key))
            if canonical not in allowed:
                self.add(
                    "Q005",
                    self.line(node, key),
                    _join(where, str(key)),
                    suggestion=closest(str(key), sorted(allowed)) or ", ".join(sorted(allowed)),
                )
                continue
            out[canonical] = (value, self.line(node, key))
        for key in required:
            if key not in out:
                self.add("Q003", self.line(node), _join(where, key))
        return out

    def text(self, entry: tuple | None, field: str) -> Text | None:
        if entry is None:
            return None
        value, line = entry
        if isinstance(value, str):
            if value.strip():
                return Text.of(value.strip())
            self.add("Q008", line, field)
            return None
        if not isinstance(value, Mapping):
            self.add("Q004", line, field, expected="texte", got=type(value).__name__)
            return None
        texts = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.add("Q010", self.line(value, lang) or line, field, lang=lang)
            elif not isinstance(text, str):
                self.add(
                    "Q004",
                    self.line(value, lang) or line,
                    f"{field}.{lang}",
                    expected="texte",
                    got=type(text).__name__,
                )
            else:
                texts[str(lang)] = text.strip()
        if not texts.get("fr"):
            self.add("Q008", line, field)
            return None
        return Text.of(texts)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _parse(text: str, reader: _Reader) -> object:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        reader.add("Q006", mark.line + 1 if mark else None, None, id=str(exc.problem))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reader.add("Q001", mark.line + 1 if mark else None, None, detail=str(exc.problem))
    except YAMLError as exc:
        reader.add("Q001", None, None, detail=str(exc))
    return None


def _codes(
    items: object,
    line: int | None,
    parent: str | None,
    depth: int,
    r: _Reader,
    out: list[Code],
    seen: dict[str, int | None],
) -> None:
    where = f"codes.{parent}.children" if parent else "codes"
    if not isinstance(items, list):
        r.add("Q004", line, where, expected="liste", got=type(items).__name__)
        return
    if not items and parent is None:
        r.add("Q013", line, where)
    if depth > MAX_DEPTH:
        r.add("Q012", line, where, maximum=MAX_DEPTH)
        return
    for index, raw in enumerate(items):
        item_line = r.line(items, index) or line
        if not isinstance(raw, Mapping):
            r.add("Q004", item_line, where, expected="dictionnaire", got=type(raw).__name__)
            continue
        node = r.keys(raw, where, *_CODE)
        ident = None
        if "id" in node:
            value, id_line = node["id"]
            ident = (
                str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
            )
            if ident is None or not _ID.match(ident):
                r.add("Q007", id_line, _join(where, "id"), got=value)
                ident = None
            elif ident in seen:
                r.add("Q006", id_line, _join("codes", ident), id=ident, first=seen[ident] or "?")
                ident = None
            else:
                seen[ident] = id_line
        field = f"codes.{ident or index}"
        label = r.text(node.get("label"), f"{field}.label")
        texts = {
            k: r.text(node.get(k), f"{field}.{k}")
            for k in ("definition", "include", "exclude", "example")
        }
        keywords: tuple[str, ...] = ()
        if "keywords" in node:
            value, kw_line = node["keywords"]
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",")]
            if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
                r.add(
                    "Q004",
                    kw_line,
                    f"{field}.keywords",
                    expected="liste de mots",
                    got=type(value).__name__,
                )
            else:
                keywords = tuple(k.strip() for k in value if k.strip())
        color = None
        if "color" in node:
            value, c_line = node["color"]
            if not isinstance(value, str) or not _COLOUR.match(value):
                r.add("Q009", c_line, f"{field}.color", got=value)
            else:
                color = value
        guid = None
        if "guid" in node:
            value, g_line = node["guid"]
            try:
                guid = normalise_guid(str(value))
            except ValueError:
                r.add("Q016", g_line, f"{field}.guid", got=value)
        status = "active"
        if "status" in node:
            value, s_line = node["status"]
            if value not in ("active", "retired"):
                r.add("Q019", s_line, f"{field}.status", got=value, allowed="active, retired")
            else:
                status = str(value)
        if ident is not None and label is not None:
            out.append(
                Code(
                    id=ident,
                    label=label,
                    parent=parent,
                    keywords=keywords,
                    color=color,
                    guid=guid,
                    status=status,
                    line=r.line(raw),
                    definition=texts["definition"],
                    include=texts["include"],
                    exclude=texts["exclude"],
                    example=texts["example"],
                )
            )
        if "children" in node and ident is not None:
            value, c_line = node["children"]
            _codes(value, c_line, ident, depth + 1, r, out, seen)


def _build(text: str, source: str | None) -> tuple[Codebook | None, list[Problem]]:
    r = _Reader(source)
    data = _parse(text, r)
    if r.problems:
        return None, r.problems
    if not isinstance(data, Mapping) or data.get("kind") != KIND:
        r.add("Q002", 1, "kind", kind=KIND)
        return None, r.problems
    node = r.keys(data, "", *_TOP)
    ident = None
    if "id" in node:
        value, line = node["id"]
        if isinstance(value, str) and _ID.match(value):
            ident = value
        else:
            r.add("Q007", line, "id", got=value)
    title = r.text(node.get("title"), "title")
    version = str(node["version"][0]) if "version" in node else "1"
    codes: list[Code] = []
    if "codes" in node:
        value, line = node["codes"]
        _codes(value, line, None, 1, r, codes, {})
    if r.problems or ident is None or title is None:
        return None, r.problems
    return Codebook(id=ident, title=title, codes=tuple(codes), version=version, source=source), []


def loads_codebook(text: str, *, source: str | None = None) -> Codebook:
    """Build a :class:`Codebook` from YAML text; :class:`QualError` lists every problem.

    Examples
    --------
    >>> book = loads_codebook(
    ...     "{kind: codebook, id: besoins, title: Besoins, codes: [{id: bruit, label: Bruit,"
    ...     " children: [{id: nuit, libellé: La nuit}]}]}"
    ... )
    >>> book.path("nuit", "fr")
    'Bruit › La nuit'

    A codebook without codes is refused, with the file and line:

    >>> try:
    ...     loads_codebook("{kind: codebook, id: vide, title: Vide, codes: []}", source="vide.yaml")
    ... except QualError as error:
    ...     print(error)
    vide.yaml:1: Q013 « codes » : le livre de codes ne contient aucun code
    """
    codebook, problems = _build(text, source)
    if codebook is None:
        raise QualError(problems=problems)
    return codebook


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise QualError(
            problems=[Problem("Q011", {"detail": str(exc)}, str(path), None, None)]
        ) from None


def load_codebook(path: str | Path) -> Codebook:
    """Load the codebook file at ``path``.

    Examples
    --------
    >>> book = load_codebook("surveys/codebooks/besoins_habitants.yaml")
    >>> book.get("acces_droits").label.get("fr")
    'Accès aux droits'
    """
    path = Path(path)
    return loads_codebook(_read(path), source=str(path))


def validate_codebook(path: str | Path) -> list[Problem]:
    """Every problem of the codebook file at ``path`` (empty when valid).

    Examples
    --------
    >>> validate_codebook("surveys/codebooks/besoins_habitants.yaml")
    []
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "besoins.yaml"
    >>> _ = path.write_text(
    ...     "{kind: codebook, id: besoins, title: Besoins,"
    ...     " codes: [{id: bruit, label: Bruit}, {id: bruit, label: Bruit la nuit}]}",
    ...     encoding="utf-8",
    ... )
    >>> [(p.code, p.field) for p in validate_codebook(path)]
    [('Q006', 'codes.bruit')]
    """
    path = Path(path)
    try:
        text = _read(path)
    except QualError as error:
        return list(error.problems)
    return _build(text, str(path))[1]


def is_codebook_file(path: str | Path) -> bool:
    """Whether ``path`` is a YAML file whose top level says ``kind: codebook``.

    Examples
    --------
    A codebook and a survey instrument, both YAML files of ``surveys/``:

    >>> is_codebook_file("surveys/codebooks/besoins_habitants.yaml")
    True
    >>> is_codebook_file("surveys/besoins_habitants.yaml")
    False
    """
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        head = path.read_text(encoding="utf-8-sig")[:4000]
    except (OSError, UnicodeDecodeError):
        return False
    return any(
        line.strip() == f"kind: {KIND}" for line in head.splitlines() if not line.startswith(" ")
    )


def default_codebook_path() -> Path:
    """The codebook shipped with the demo: ``surveys/codebooks/besoins_habitants.yaml``."""
    from toolkit.collect.catalogue import surveys_dir

    return surveys_dir() / "codebooks" / "besoins_habitants.yaml"
