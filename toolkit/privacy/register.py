"""Processing register (GDPR art. 30): one entry per instrument, in the structure's language.

What the questions tell (which data are collected, which are directly identifying) is read
from the instrument; what they cannot tell (purpose, legal basis, recipients, retention) comes
from its ``privacy`` block, and each missing declaration is said in the entry itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.i18n import t
from toolkit.instruments import Instrument, Question
from toolkit.privacy.markdown import escape

__all__ = ["RegisterEntry", "register_entry", "register_text", "write_register"]

_FREE_TEXT = frozenset({"text", "long_text"})
_LOCATION = frozenset({"geopoint"})


@dataclass(frozen=True)
class RegisterEntry:
    """One processing of the register: the facts, and what the instrument did not declare."""

    instrument_id: str
    title: str
    purpose: str | None
    legal_basis: str | None
    categories: tuple[str, ...]
    retention_days: int | None
    recipients: tuple[str, ...]
    missing: tuple[str, ...]


def _names(questions: Sequence[Question], lang: str | None) -> str:
    return ", ".join(q.text(lang) for q in questions)


def _categories(instrument: Instrument, lang: str | None) -> list[str]:
    fields = [q for q in instrument.fields() if q.type != "repeat"]
    pii = [q for q in fields if q.pii]
    located = [q for q in fields if q.type in _LOCATION and not q.pii]
    free = [q for q in fields if q.type in _FREE_TEXT and not q.pii]
    other = [q for q in fields if q not in pii and q not in located and q not in free]
    found = []
    if pii:
        found.append(t("privacy.register.cat.pii", lang, fields=_names(pii, lang)))
    if located:
        found.append(t("privacy.register.cat.location", lang, fields=_names(located, lang)))
    if free:
        found.append(t("privacy.register.cat.free", lang, count=len(free)))
    if other:
        found.append(t("privacy.register.cat.closed", lang, count=len(other)))
    found.append(t("privacy.register.cat.metadata", lang))
    return found


def register_entry(instrument: Instrument, lang: str | None = None) -> RegisterEntry:
    """The register entry of ``instrument``.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> visit = loads(
    ...     "{id: visite, version: '1', title: Visite à domicile,"
    ...     " privacy: {retention_days: 30, purpose: Proposer une visite, legal_basis: consentement},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... )
    >>> entry = register_entry(visit)
    >>> entry.purpose, entry.legal_basis, entry.retention_days
    ('Proposer une visite', 'consentement', 30)
    >>> entry.categories[0]
    'identification et coordonnées (chiffrées) : telephone'
    >>> entry.missing  # no recipients declared in its privacy block
    ('recipients',)
    """
    meta = instrument.privacy
    missing = tuple(
        key
        for key, value in (
            ("purpose", meta.purpose),
            ("legal_basis", meta.legal_basis),
            ("retention_days", meta.retention_days),
            ("recipients", meta.recipients),
        )
        if not value
    )
    return RegisterEntry(
        instrument_id=instrument.id,
        title=instrument.title.get(lang),
        purpose=meta.purpose.get(lang) if meta.purpose is not None else None,
        legal_basis=meta.legal_basis,
        categories=(*_categories(instrument, lang), *meta.categories),
        retention_days=meta.retention_days,
        recipients=meta.recipients,
        missing=missing,
    )


def _entry_lines(entry: RegisterEntry, lang: str | None) -> list[str]:
    def todo(key: str) -> str:
        return t("privacy.register.todo", lang, key=f"privacy.{key}")

    basis = (
        t("privacy.basis." + entry.legal_basis, lang) if entry.legal_basis else todo("legal_basis")
    )
    if entry.retention_days is not None:
        retention = t("privacy.register.days", lang, count=entry.retention_days)
    else:
        retention = todo("retention_days")
    recipients = (
        " ; ".join(escape(r) for r in entry.recipients) if entry.recipients else todo("recipients")
    )
    lines = [
        f"## {escape(entry.title)}",
        "",
        f"- **{t('privacy.register.instrument', lang)}** : `{entry.instrument_id}`",
        f"- **{t('privacy.register.purpose', lang)}** : "
        + (escape(entry.purpose) if entry.purpose else todo("purpose")),
        f"- **{t('privacy.register.basis', lang)}** : {basis}",
        f"- **{t('privacy.register.categories', lang)}** :",
        *(f"  - {escape(c)}" for c in entry.categories),
        f"- **{t('privacy.register.people', lang)}** : {t('privacy.register.people_text', lang)}",
        f"- **{t('privacy.register.retention', lang)}** : {retention}",
        f"- **{t('privacy.register.recipients', lang)}** : {recipients}",
        f"- **{t('privacy.register.security', lang)}** : {t('privacy.register.security_text', lang)}",
        "",
    ]
    return lines


def register_text(
    instruments: Iterable[Instrument], *, controller: str | None = None, lang: str | None = None
) -> str:
    """The register (Markdown): a heading, then one entry per instrument, sorted by id.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> visit = loads(
    ...     "{id: visite, version: '1', title: Visite à domicile,"
    ...     " privacy: {retention_days: 30, purpose: Proposer une visite, legal_basis: consentement},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... )
    >>> text = register_text([visit], controller="Association Trait d'union")
    >>> print("\\n".join(text.splitlines()[:5]))
    # Registre des activités de traitement (article 30 du RGPD)
    <BLANKLINE>
    Responsable du traitement : Association Trait d'union
    <BLANKLINE>
    1 traitement, établi à partir du questionnaire et de son bloc « privacy ».
    >>> "- **Durée de conservation** : 30 jours" in text
    True
    """
    ordered = sorted(instruments, key=lambda i: i.id)
    entries = [register_entry(i, lang) for i in ordered]
    lines = [f"# {t('privacy.register.title', lang)}", ""]
    if controller:
        lines += [f"{t('privacy.register.controller', lang)} : {escape(controller)}", ""]
    lines += [t("privacy.register.intro", lang, count=len(entries)), ""]
    incomplete = [e for e in entries if e.missing]
    if incomplete:
        lines += [t("privacy.register.incomplete", lang, count=len(incomplete)), ""]
    for entry in entries:
        lines += _entry_lines(entry, lang)
    return "\n".join(lines)


def write_register(
    instruments: Iterable[Instrument],
    path: str | Path,
    *,
    controller: str | None = None,
    lang: str | None = None,
) -> list[RegisterEntry]:
    """Write :func:`register_text` to ``path`` (UTF-8 Markdown); return the entries.

    Examples
    --------
    >>> from toolkit.instruments import loads
    >>> visit = loads(
    ...     "{id: visite, version: '1', title: Visite à domicile,"
    ...     " privacy: {retention_days: 30, purpose: Proposer une visite, legal_basis: consentement},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... )
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "registre.md"
    >>> [entry.instrument_id for entry in write_register([visit], path)]
    ['visite']
    >>> path.read_text(encoding="utf-8").startswith("# Registre des activités de traitement")
    True
    """
    instruments = list(instruments)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        register_text(instruments, controller=controller, lang=lang) + "\n", encoding="utf-8"
    )
    return [register_entry(i, lang) for i in sorted(instruments, key=lambda i: i.id)]
