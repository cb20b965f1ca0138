"""Message catalogue, current language and multilingual :class:`Text` values."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import os
import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import yaml
from babel import Locale
from babel.numbers import format_decimal

DEFAULT_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")

_MESSAGES_DIR = Path(__file__).with_name("messages")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("toolkit_lang", default=None)


def _check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    return lang


def get_language() -> str:
    """Return the language in force: :func:`set_language`, else ``TOOLKIT_LANG``, else French."""
    lang = _current.get()
    if lang is not None:
        return lang
    env = os.environ.get("TOOLKIT_LANG", "").strip().lower()[:2]
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Set the language for the current context (thread, task or kernel)."""
    _current.set(_check_language(lang))


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Temporarily switch language; ``None`` keeps the current one."""
    if lang is None:
        yield get_language()
        return
    token = _current.set(_check_language(lang))
    try:
        yield lang
    finally:
        _current.reset(token)


#: libyaml's C parser when PyYAML was built with it: the catalogue is read by every kernel
#: that opens an app, and ruamel's pure-Python parser took over a second for its 1,800 keys.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Load every ``messages/*.yaml`` file once; a key defined twice is an error.

    Every text must be a YAML string: PyYAML reads YAML 1.1, where an unquoted ``No`` or
    ``on`` is a boolean, so a text that is not a string is refused with its file and key.
    """
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_LOADER) or {}  # noqa: S506 (a SafeLoader, C or Python)
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"{path.name}: message key {key!r} is defined twice")
            merged[str(key)] = _texts(path.name, str(key), texts)
    return merged


def _texts(file: str, key: str, texts: object) -> dict[str, str]:
    if not isinstance(texts, dict):
        raise ValueError(f"{file}: message key {key!r} must map languages to texts")
    for lang, text in texts.items():
        if not isinstance(text, str):
            raise ValueError(
                f"{file}: message {key!r} in {lang!r} is {text!r}, not a text; put it in quotes"
            )
    return {str(k): v for k, v in texts.items()}


class _Lenient(dict):
    """Format mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_CHOICE_HEAD = re.compile(r"\s*([A-Za-z_]\w*)\s*,\s*(plural|select)\s*,", re.ASCII)
_OPTION = re.compile(r"\s*(=\d+|[A-Za-z_]\w*)\s*\{", re.ASCII)


def _closing(template: str, start: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``start`` (plain brace counting)."""
    depth, i = 0, start
    while i < len(template):
        char = template[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError(f"unbalanced braces in message template {template!r}")


def plural_category(count: object, lang: str) -> str:
    """CLDR plural category (``one``, ``other``…) of ``count`` in ``lang``.

    French puts 0 and 1 in ``one`` (« 0 réponse », « 1 réponse »), English only 1.

    >>> plural_category(0, "fr"), plural_category(0, "en"), plural_category(2, "fr")
    ('one', 'other', 'other')
    """
    try:
        number = float(str(count).replace(",", "."))
    except ValueError:
        return "other"
    value: int | float = int(number) if number.is_integer() else number
    return Locale.parse(lang).plural_form(value)


def _choose(body: str, kind: str, value: object, lang: str) -> str:
    """Pick the option of a ``plural``/``select`` body for ``value``."""
    options: dict[str, str] = {}
    i = 0
    while i < len(body) and body[i:].strip():
        match = _OPTION.match(body, i)
        if match is None:
            raise ValueError(f"malformed {kind} options {body!r}")
        end = _closing(body, match.end() - 1)
        options[match.group(1)] = body[match.end() : end]
        i = end + 1
    if kind == "select":
        return options.get(str(value), options.get("other", ""))
    exact = f"={value}"
    if exact in options:
        chosen = options[exact]
    else:
        chosen = options.get(plural_category(value, lang), options.get("other", ""))
    try:
        shown = format_decimal(value, locale=lang)  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        shown = str(value)
    return chosen.replace("#", shown)


def expand_choices(template: str, params: Mapping[str, object], lang: str) -> str:
    """Resolve ICU-style ``{n, plural, one {# réponse} other {# réponses}}`` and
    ``{x, select, a {…} other {…}}`` blocks, leaving ``{name}`` placeholders for ``format``.

    ``=0 {…}`` matches an exact value first; ``#`` is the number written in ``lang``.

    >>> expand_choices("{n, plural, one {# réponse} other {# réponses}}", {"n": 1234}, "fr")
    '1\u202f234 réponses'
    >>> expand_choices("{n, plural, =0 {aucun} other {# envoyés}} par {who}", {"n": 0}, "fr")
    'aucun par {who}'
    """
    if "plural" not in template and "select" not in template:
        return template
    out: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if template[i : i + 2] in ("{{", "}}"):
            out.append(template[i : i + 2])
            i += 2
            continue
        if char != "{":
            out.append(char)
            i += 1
            continue
        end = _closing(template, i)
        inner = template[i + 1 : end]
        head = _CHOICE_HEAD.match(inner)
        if head is None or head.group(1) not in params:
            out.append(template[i : end + 1])
        else:
            chosen = _choose(inner[head.end() :], head.group(2), params[head.group(1)], lang)
            out.append(expand_choices(chosen, params, lang))
        i = end + 1
    return "".join(out)


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (default: current language) and fill ``params``.

    Parameters that are :class:`Msg` or :class:`Text` are rendered in the same language, and
    decimal numbers (``float``) are written the language's way (``2,5`` in French).
    Plurals are written in the catalogue as ICU ``{n, plural, one {…} other {…}}`` blocks
    and follow the language's CLDR rules (see :func:`expand_choices`).
    Unknown keys come back as the key itself so that a missing translation is visible,
    never a crash in front of a mediator.
    """
    texts = catalogue().get(key)
    if texts is None:
        return key
    lang = lang or get_language()
    template = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    if not params:
        return template
    template = expand_choices(template, params, lang)
    rendered = {
        name: value.render(lang)
        if isinstance(value, Msg)
        else value.get(lang)
        if isinstance(value, Text)
        else format_decimal(value, locale=lang)
        if isinstance(value, float) and math.isfinite(value)
        else value
        for name, value in params.items()
    }
    return string.Formatter().vformat(template, (), _Lenient(rendered))


@dataclass(frozen=True)
class Msg:
    """A message kept as key and parameters, rendered in whatever language is asked later."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, /, **params: object) -> Msg:
        return cls(key, tuple(params.items()))

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True)
class Text:
    """A text in several languages, e.g. a question label ``{"fr": ..., "en": ...}``.

    Stored as sorted ``(lang, text)`` pairs so that it is immutable and hashable.
    """

    translations: tuple[tuple[str, str], ...]

    @overload
    @classmethod
    def of(cls, value: None, lang: str = ...) -> None: ...
    @overload
    @classmethod
    def of(cls, value: Mapping[str, str] | str, lang: str = ...) -> Text: ...
    @classmethod
    def of(cls, value: Mapping[str, str] | str | None, lang: str = DEFAULT_LANGUAGE) -> Text | None:
        """Build from a mapping or a plain string (taken as ``lang``); ``None`` stays ``None``."""
        if value is None:
            return None
        if isinstance(value, str):
            return cls(((lang, value),))
        return cls(tuple(sorted((str(k), str(v)) for k, v in value.items())))

    def get(self, lang: str | None = None, fallback: str = DEFAULT_LANGUAGE) -> str:
        """The text in ``lang`` (default: current language), else the fallback, else any."""
        mapping = dict(self.translations)
        lang = lang or get_language()
        if lang in mapping:
            return mapping[lang]
        if fallback in mapping:
            return mapping[fallback]
        return next(iter(mapping.values()), "")

    def languages(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.translations)

    def to_plain(self) -> dict[str, str]:
        return dict(self.translations)

    def __str__(self) -> str:
        return self.get()
