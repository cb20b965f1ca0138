"""Hypothesis strategies that break valid files the way people and attackers do."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

INSTRUMENT_SEEDS = tuple(
    (ROOT / p).read_text(encoding="utf-8")
    for p in (
        "tests/store/mini.yaml",
        "tests/interop/data/visite_test.yaml",
        "surveys/satisfaction_concertation.yaml",
    )
)
MODULE_SEEDS = tuple(
    (ROOT / p).read_text(encoding="utf-8") for p in ("training_modules/04_affirmation_de_soi.yaml",)
)

#: Pieces that YAML, the loader or the expression checker treat specially.
YAML_SNIPPETS = (
    "[" * 60,
    "{" * 60,
    "[" * 500,
    "&a ",
    "*a",
    "&b [*a, *a, *a, *a, *a, *a, *a, *a]",
    "<<: *a\n",
    "!!python/object:os.system ",
    "!!binary ",
    "? ",
    ": ",
    "- ",
    "\n- ",
    "\n  ",
    "\t",
    "\x00",
    "\ufeff",
    "\u2028",
    "'",
    '"',
    '"\\0"',
    '"\\x0b"',
    "#",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "~",
    "null",
    "true",
    "1" * 400,
    "1" * 5000,
    "-" * 487 + "1",
    "9999-12-31",
    "2024-13-45",
    "1e999",
    ".nan",
    "${",
    "${x}",
    "regex(., '^([0-9]+ ?)+$')",
    "round(${d}, -400)",
    "round(${d}, 100000000)",
    "(" * 80,
    "questions",
    "type: group\n",
    "type: repeat\n",
    "choices",
    "relevant",
    "calculation",
    "name",
)


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[str, ...]) -> str:
    """A seed file with one to eight edits: snippets inserted, spans cut, doubled or moved."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 8))):
        size = len(text)
        at = draw(st.integers(0, size))
        kind = draw(st.sampled_from(("insert", "replace", "delete", "duplicate", "line")))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(YAML_SNIPPETS)) + text[at:]
        elif kind == "replace":
            end = min(size, at + draw(st.integers(1, 40)))
            text = text[:at] + draw(st.sampled_from(YAML_SNIPPETS)) + text[end:]
        elif kind == "delete":
            text = text[:at] + text[min(size, at + draw(st.integers(1, 200))) :]
        elif kind == "duplicate":
            end = min(size, at + draw(st.integers(1, 400)))
            text = text[:end] + text[at:end] + text[end:]
        else:
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
            text = "\n".join(lines)
    return text


#: Characters of the expression language, and of what people type by mistake.
EXPRESSION_ALPHABET = "${}().,'\" -+*/=!<>0123456789abcdenorstuxdiv_\\[]^?|"
FUNCTION_NAMES = (
    "round",
    "regex",
    "int",
    "date",
    "substr",
    "sum",
    "if",
    "concat",
    "selected",
    "count-selected",
    "selected-at",
    "string-length",
    "number",
    "boolean",
    "not",
    "min",
    "max",
    "today",
    "coalesce",
    "string",
    "contains",
    "count",
    "nope",
)
NUMBER_TEXTS = st.one_of(
    st.integers(-(10**20), 10**20).map(lambda n: str(abs(n))),
    st.sampled_from(["0", "1", "400", "100000000", "9" * 401, "1" * 1200, "0.5", ".5", "1."]),
)
STRING_TEXTS = st.sampled_from(
    [
        "''",
        "'oui'",
        "'^([0-9]+ ?)+$'",
        "'(a+)+$'",
        "'(a|a)*b'",
        "'(x+x+)+y'",
        "'^(\\d+)*$'",
        "'(a)\\1'",
        "'(?=a)a'",
        "'a{1001}'",
        "'('",
        "'[z-a]'",
        "'9999-12-31'",
        "'2024-02-30'",
    ]
)
REF_TEXTS = st.sampled_from(["${d}", "${n}", "${t}", "${m}", "${r}", "${inconnu}", "."])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    calls = st.tuples(st.sampled_from(FUNCTION_NAMES), st.lists(children, max_size=4)).map(
        lambda c: f"{c[0]}({', '.join(c[1])})"
    )
    ops = st.tuples(
        children,
        st.sampled_from(["+", "-", "*", "div", "mod", "=", "!=", "<", ">=", "and", "or"]),
        children,
    ).map(" ".join)
    return st.one_of(
        calls,
        ops,
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from([1, 2, 59, 487]), children).map(lambda c: "-" * c[0] + c[1]),
    )


#: Expressions that mostly parse, with extreme numbers, patterns and nesting.
expressions = st.recursive(
    st.one_of(NUMBER_TEXTS, STRING_TEXTS, REF_TEXTS), _combine, max_leaves=10
)
#: Any text from the expression alphabet: mostly syntax errors.
expression_noise = st.text(alphabet=EXPRESSION_ALPHABET, max_size=120)
