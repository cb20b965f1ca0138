"""YAML -> XLSForm -> YAML is lossless; every exported form is accepted by pyxform."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from toolkit.instruments import Instrument, from_mapping, instrument_to_dict, load
from toolkit.interop import read_xlsform, summarise, write_xlsform

REPO = Path(__file__).resolve().parents[2]
SURVEYS = sorted((REPO / "surveys").glob("*.yaml"))
DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("path", [*SURVEYS, DATA / "visite_test.yaml"], ids=lambda p: p.stem)
def test_write_xlsform__catalogue_instrument__pyxform_converts_and_reads_back_lossless(
    path: Path, tmp_path: Path
) -> None:
    instrument = load(path)
    form = write_xlsform(instrument, tmp_path / "form.xlsx")
    warnings: list[str] = []
    xform = convert(xlsform=str(form), warnings=warnings).xform
    assert "<h:html" in xform
    back = read_xlsform(form)
    assert back.warnings == ()
    assert instrument_to_dict(back.instrument) == instrument_to_dict(instrument)


def test_write_xlsform__again_from_import__same_xform(tmp_path: Path) -> None:
    """Model -> XLSForm -> model -> XLSForm: both forms convert to equivalent XForms."""
    instrument = load(DATA / "visite_test.yaml")
    first = write_xlsform(instrument, tmp_path / "first.xlsx")
    second = write_xlsform(read_xlsform(first).instrument, tmp_path / "second.xlsx")
    assert summarise(convert(xlsform=str(second)).xform) == summarise(
        convert(xlsform=str(first)).xform
    )


def test_summarise__other_root_node_name__same_summary(tmp_path: Path) -> None:
    """The root node's name is left out everywhere, in the paths inside expressions too."""
    form = write_xlsform(load("surveys/barometre_ambiance.yaml"), tmp_path / "baro.xlsx")
    xform = convert(xlsform=str(form)).xform
    assert "/data/" in xform
    renamed = xform.replace("/data/", "/enquete/").replace("<data ", "<enquete ")
    renamed = renamed.replace("</data>", "</enquete>")
    assert summarise(renamed) == summarise(xform)
    # A change inside an expression is still one.
    assert summarise(xform.replace("'bruit'", "'odeurs'", 1)) != summarise(xform)


def _cells(path: Path, sheet: str) -> list[dict[str, object]]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_write_xlsform__mapping__types_markers_and_bounds(tmp_path: Path) -> None:
    form = write_xlsform(load(DATA / "visite_test.yaml"), tmp_path / "form.xlsx")
    survey = {
        row["name"]: row
        for row in _cells(form, "survey")
        if row["type"] and not str(row["type"]).startswith("end")
    }
    assert survey["opinions"]["type"] == "begin_group"
    assert survey["opinions"]["appearance"] == "table-list"
    assert survey["opinions"]["mediation_type"] == "likert_matrix"
    assert survey["quartier_agreable"]["type"] == "select_one accord"
    assert survey["commentaire"]["type"] == "text"
    assert survey["commentaire"]["appearance"] == "multiline"
    assert survey["consentement"]["type"] == "acknowledge"
    assert survey["nb_personnes"]["constraint"] == ". >= 0 and . <= 50"
    assert survey["nom_contact"]["mediation_pii"] == "yes"
    assert survey["constats"]["type"] == "begin_repeat"
    assert "label::Français (fr)" in survey["secteur"]
    assert "label::English (en)" in survey["secteur"]
    choices = _cells(form, "choices")
    missing = [row["name"] for row in choices if row.get("mediation_missing") == "yes"]
    assert missing == ["8"]
    (settings_row,) = _cells(form, "settings")
    assert settings_row["form_id"] == "visite_test"
    assert settings_row["default_language"] == "Français (fr)"


def test_write_xlsform__likert__marked_so_it_comes_back_as_likert(tmp_path: Path) -> None:
    baro = load(REPO / "surveys" / "barometre_ambiance.yaml")
    form = write_xlsform(baro, tmp_path / "baro.xlsx")
    row = next(r for r in _cells(form, "survey") if r["name"] == "gene_bruit")
    assert (row["type"], row["mediation_type"]) == ("select_one frequence4", "likert")
    assert read_xlsform(form).instrument.question("gene_bruit").type == "likert"


def test_write_xlsform__expression_starting_with_equals__text_cell_not_formula(
    tmp_path: Path,
) -> None:
    data = instrument_to_dict(load(DATA / "visite_test.yaml"))
    data["sections"][0]["questions"][1]["hint"] = {"fr": "=SOMME(A1:A3)"}
    form = write_xlsform(from_mapping(data), tmp_path / "form.xlsx")
    sheet = load_workbook(form)["survey"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=SOMME(A1:A3)")
    assert cell.data_type == "s"
    assert read_xlsform(form).instrument.question("date_visite").hint.get("fr") == "=SOMME(A1:A3)"


# ---------------------------------------------------------------------- property test

_TEXT = (
    st.text(
        alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçôÉ ABCXYZ0123456789'?!:;,.()=-+«»"),
        min_size=1,
        max_size=25,
    )
    .map(str.strip)
    .filter(bool)
)
_APPEARANCES = st.sampled_from([None, "minimal", "horizontal", "w2", "quick"])


@st.composite
def _labels(draw: st.DrawFn, languages: tuple[str, ...]) -> dict[str, str]:
    return {lang: draw(_TEXT) for lang in languages}


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    """Random valid instruments using every question type and most question keys."""
    languages = draw(st.sampled_from([("fr",), ("fr", "en"), ("en", "fr")]))
    lists: dict[str, list[dict]] = {}
    for index in range(draw(st.integers(1, 3))):
        values = draw(
            st.lists(
                st.one_of(
                    st.integers(0, 99).map(str),
                    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
                ),
                min_size=1,
                max_size=5,
                unique=True,
            )
        )
        lists[f"liste{index}"] = [
            {
                "value": value,
                "label": draw(_labels(languages)),
                **({"missing": True} if draw(st.booleans()) and position else {}),
                **({"filter": {"zone": draw(st.sampled_from(["a", "b"]))}} if index == 0 else {}),
            }
            for position, value in enumerate(values)
        ]
    scale = [
        {"value": str(v), "label": draw(_labels(languages))}
        for v in range(1, draw(st.integers(2, 5)))
    ]
    scale.append({"value": "9", "label": draw(_labels(languages)), "missing": True})
    lists["echelle"] = scale
    loopable = [n for n, cl in lists.items() if all(c["value"][0].isalpha() for c in cl)]
    counter = iter(range(1000))
    names: list[str] = []

    def question(kind: str) -> dict:
        name = f"q{next(counter)}"
        out: dict = {"name": name, "type": kind}
        if kind != "calculate":
            out["label"] = draw(_labels(languages))
        if draw(st.booleans()):
            out["hint"] = draw(_labels(languages))
        if kind in ("single_choice", "multiple_choice"):
            out["choices"] = draw(st.sampled_from(sorted(lists)))
            if out["choices"] == "liste0" and draw(st.booleans()):
                out["choice_filter"] = "zone = 'a'"
            elif draw(st.booleans()):
                out["other"] = True  # « Autre » and « Précisez » (or_other)
        if kind == "likert":
            out["choices"] = "echelle"
        if kind in ("integer", "decimal"):
            low = draw(st.one_of(st.none(), st.integers(-5, 5)))
            if low is not None:
                out["minimum"] = low if kind == "integer" else low + 0.5
            if draw(st.booleans()):
                out["maximum"] = 100
            if draw(st.booleans()):
                out["constraint"] = ". != 13"
                out["constraint_message"] = draw(_labels(languages))
        if kind == "calculate":
            out["calculation"] = "1 + 1" if not names else f"concat(${{{names[0]}}}, '!')"
        if kind not in ("note", "calculate"):
            required = draw(st.sampled_from([None, True, "expr"]))
            if required is True:
                out["required"] = True
                if draw(st.booleans()):
                    out["required_message"] = draw(_labels(languages))
            elif required == "expr" and names:
                out["required"] = f"${{{names[0]}}} != ''"
            if draw(st.booleans()):
                out["pii"] = True
            appearance = draw(_APPEARANCES)
            if appearance and kind != "consent":
                out["appearance"] = appearance
            if kind == "text" and draw(st.booleans()):
                out["default"] = "inconnu"
            if draw(st.booleans()):
                out["read_only"] = True
        if names and draw(st.booleans()):
            out["relevant"] = f"${{{names[-1]}}} != ''"
        names.append(name)
        return out

    simple = [
        "single_choice",
        "multiple_choice",
        "likert",
        "integer",
        "decimal",
        "text",
        "long_text",
        "date",
        "time",
        "datetime",
        "geopoint",
        "note",
        "consent",
        "calculate",
    ]

    def block(allow_repeat: bool) -> list[dict]:
        items = [question(draw(st.sampled_from(simple))) for _ in range(draw(st.integers(1, 4)))]
        if draw(st.booleans()):
            name = f"m{next(counter)}"
            items.append(
                {
                    "name": name,
                    "type": "likert_matrix",
                    "choices": "echelle",
                    "label": draw(_labels(languages)),
                    "items": [
                        {
                            "name": f"{name}_{i}",
                            "label": draw(_labels(languages)),
                            **({"required": True} if i == 0 else {}),
                        }
                        for i in range(draw(st.integers(1, 3)))
                    ],
                }
            )
        if allow_repeat and draw(st.booleans()):
            repeat: dict = {
                "name": f"r{next(counter)}",
                "type": "repeat",
                "label": draw(_labels(languages)),
            }
            if draw(st.booleans()):
                repeat["repeat_count"] = "2"
            repeat["questions"] = [question(draw(st.sampled_from(simple[:6]))) for _ in range(2)]
            if draw(st.booleans()):  # a repeat inside the repeat
                inner = [question(draw(st.sampled_from(simple[:6])))]
                repeat["questions"].append(
                    {"name": f"r{next(counter)}", "type": "repeat", "questions": inner}
                )
            items.append(repeat)
        if allow_repeat and loopable and draw(st.booleans()):  # one entry per choice of a list
            known = len(names)
            children = [question(draw(st.sampled_from(["integer", "text", "single_choice"])))]
            children[0]["label"] = dict.fromkeys(languages, "%(label)s ?")
            for key in ("required_message", "constraint_message"):  # refused in a loop (X071)
                children[0].pop(key, None)
            del names[known:]  # nothing outside a loop may refer into it
            items.append(
                {
                    "name": f"b{next(counter)}",
                    "type": "repeat",
                    # pyxform names a group after each value: only lists of XML names
                    "loop_over": draw(st.sampled_from(sorted(loopable))),
                    "label": draw(_labels(languages)),
                    "questions": children,
                }
            )
        if draw(st.booleans()):
            items.append({"name": f"h{next(counter)}", "type": "hidden", "default": "v1"})
        if draw(st.booleans()):
            source = draw(st.sampled_from(["collector", "started_at", "today", "team"]))
            items.append({"name": f"m{next(counter)}", "type": "metadata", "metadata": source})
        return items

    sections = [
        {"name": f"s{next(counter)}", "label": draw(_labels(languages)), "questions": block(True)}
        for _ in range(draw(st.integers(1, 3)))
    ]
    data = {
        "id": "genere",
        "version": draw(st.sampled_from(["1", "2.0", "2026-01"])),
        "title": draw(_labels(languages)),
        "languages": list(languages),
        "choice_lists": lists,
        "sections": sections,
    }
    if draw(st.booleans()):
        data["description"] = draw(_labels(languages))
    if draw(st.booleans()):
        data["draft_days"] = draw(st.integers(1, 400))
    first = (
        next(q for s in sections for q in s["questions"] if q["type"] == "single_choice")
        if any(q["type"] == "single_choice" for s in sections for q in s["questions"])
        else None
    )
    if first is not None:
        data["analysis"] = {"sector": first["name"], "weighting": [first["name"]]}
    return from_mapping(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instrument=instruments())
def test_roundtrip__generated_instrument__lossless_and_pyxform_converts(
    instrument: Instrument, tmp_path_factory: pytest.TempPathFactory
) -> None:
    form = write_xlsform(instrument, tmp_path_factory.mktemp("prop") / "form.xlsx")
    convert(xlsform=str(form))
    assert instrument_to_dict(read_xlsform(form).instrument) == instrument_to_dict(instrument)
