"""The languages of a form and its texts as translations keyed by model language code.

XLSForm names a language by free text after ``::`` (``label::Français (fr)``,
``label::english``, ``label::Swahili``); the model keys every text by a code
(:func:`~toolkit.interop.xlsform.languages.code_of`). A text written without a language
(``label``) is in the form's ``default_language``, else in the first language of the form,
else in the language given to the importer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from toolkit.interop.xlsform.languages import code_of
from toolkit.interop.xlsform.locate import header, language_of

__all__ = ["FormLanguages"]


class FormLanguages:
    """The language codes of one form, the default first, and its text converter."""

    def __init__(self, fallback: str) -> None:
        self.default_code = fallback
        self.codes: list[str] = [fallback]

    def setup(
        self,
        form: Mapping,
        external_rows: Iterable[Mapping[str, object]],
        extra_names: Iterable[str] = (),
    ) -> None:
        """Find the languages of ``form`` (pyxform JSON), of the external choices rows and of
        the choice files (``extra_names``)."""
        declared = form.get("mediation_languages")
        names: dict[str, None] = {}
        _collect_names(form.get("children", []), names)
        for choices in (form.get("choices") or {}).values():
            for choice in choices:
                if isinstance(choice.get("label"), Mapping):
                    names.update(dict.fromkeys(choice["label"]))
        for raw in external_rows:
            names.update(dict.fromkeys(language_of(k) for k in raw if header(k) == "label"))
        names.update(dict.fromkeys(extra_names))
        explicit = [n for n in names if n != "default"]
        default_setting = str(form.get("default_language") or "default")
        if default_setting != "default":
            self.default_code = code_of(default_setting)
        elif explicit:
            self.default_code = code_of(explicit[0])
        codes: dict[str, None] = {self.default_code: None}
        if isinstance(declared, str) and declared.split():
            codes = dict.fromkeys(declared.split())
            self.default_code = next(iter(codes))
        for name in explicit:
            codes.setdefault(code_of(name))
        self.codes = list(codes)

    def text(self, value: object) -> dict[str, str] | None:
        """A pyxform text (plain, or ``{language name: text}``) keyed by language code."""
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return {self.default_code: value}
        if not isinstance(value, Mapping):
            return {self.default_code: str(value)}
        out: dict[str, str] = {}
        for name, text in value.items():
            if name == "default":
                out.setdefault(self.default_code, str(text))
            else:
                out[code_of(str(name))] = str(text)
        return out or None


def _collect_names(children: list, names: dict[str, None]) -> None:
    for child in children:
        for value in (
            child.get("label"),
            child.get("hint"),
            (child.get("bind") or {}).get("jr:constraintMsg"),
            (child.get("bind") or {}).get("jr:requiredMsg"),
        ):
            if isinstance(value, Mapping):
                names.update(dict.fromkeys(value))
            elif isinstance(value, str):
                names.setdefault("default")
        _collect_names(child.get("children", []), names)
