"""Message catalogue, current language and multilingual :class:`Text` values."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

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


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Load every ``messages/*.yaml`` file once; a key defined twice is an error."""
    yaml = YAML(typ="safe")
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"{path.name}: message key {key!r} is defined twice")
            merged[str(key)] = {str(k): str(v) for k, v in texts.items()}
    return merged


class _Lenient(dict):
    """Format mapping that leaves unknown placeholders visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Translate ``key`` into ``lang`` (default: current language) and fill ``params``.

    Parameters that are :class:`Msg` or :class:`Text` are rendered in the same language.
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
    rendered = {
        name: value.render(lang)
        if isinstance(value, Msg)
        else value.get(lang)
        if isinstance(value, Text)
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
