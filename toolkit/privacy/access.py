"""Right of access (GDPR art. 15): everything held about one person, as a readable file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from toolkit.errors import Problem, StoreError
from toolkit.i18n import t
from toolkit.instruments import Instrument
from toolkit.privacy.markdown import answer_text, escape, when
from toolkit.privacy.subject import Subject
from toolkit.qual import tables as qual
from toolkit.store import Response, Store
from toolkit.training import tables as training

__all__ = ["access_report", "write_access_report"]


def _answers(instrument: Instrument, answers: dict, lang: str | None) -> list[str]:
    lines: list[str] = []
    for question in instrument.questions():
        if not (question.holds_answer or question.type == "repeat"):
            continue
        if instrument.repeat_of(question.name) is not None or question.name not in answers:
            continue
        label = question.label.get(lang) if question.label is not None else question.name
        value = answers[question.name]
        if question.type == "repeat":
            lines.append(f"- **{escape(label)}**")
            children = [q for q in question.children if q.holds_answer]
            for number, entry in enumerate(value or [], start=1):
                lines.append(f"  - {t('privacy.access.entry', lang, n=number)}")
                for child in children:
                    if isinstance(entry, dict) and child.name in entry:
                        text = child.label.get(lang) if child.label is not None else child.name
                        shown = answer_text(instrument, child, entry[child.name], lang)
                        lines.append(f"    - {escape(text)} : {shown}")
            continue
        lines.append(f"- **{escape(label)}** : {answer_text(instrument, question, value, lang)}")
    return lines


def _response(store: Store, response: Response, lang: str | None) -> list[str]:
    instrument = store.instrument(response.instrument_id, response.content_hash)
    title = instrument.title.get(lang)
    lines = [
        f"## {t('privacy.access.response', lang, title=escape(title))}",
        "",
        f"- {t('privacy.access.id', lang)} : `{response.response_id}`",
        f"- {t('privacy.access.status', lang)} : {t('privacy.status.' + response.status, lang)}",
        f"- {t('privacy.access.submitted', lang)} : {when(response.submitted_at, lang)}",
    ]
    for key in ("sector", "wave", "team", "collector"):
        value = getattr(response, key)
        if value:
            lines.append(f"- {t('privacy.access.' + key, lang)} : {escape(value)}")
    lines += ["", f"### {t('privacy.access.answers', lang)}", ""]
    lines += _answers(instrument, dict(response.answers), lang) or [t("privacy.access.none", lang)]
    history = store.audit(response.response_id)
    if not history.empty:
        lines += ["", f"### {t('privacy.access.history', lang)}", ""]
        for row in history.itertuples():
            action = t("privacy.action." + row.action, lang)
            by = escape(row.by) if isinstance(row.by, str) else t("privacy.unknown", lang)
            lines.append(f"- {when(row.at.to_pydatetime(), lang)} : {action} ({by})")
    return [*lines, ""]


def _participations(store: Store, participant_ids: tuple[str, ...], lang: str | None) -> list[str]:
    p, a, r = training.participants, training.answers, training.runs
    with store.engine.connect() as conn:
        people = conn.execute(
            select(p.c.id, p.c.session_code, p.c.pseudonym, p.c.joined_at)
            .where(p.c.id.in_(participant_ids))
            .order_by(p.c.joined_at)
        ).all()
        given = conn.execute(
            select(a.c.participant_id, r.c.exercise_id, a.c.item, a.c.value, a.c.submitted_at)
            .join(r, r.c.id == a.c.run_id)
            .where(a.c.participant_id.in_(participant_ids))
            .order_by(a.c.id)
        ).all()
    lines = [f"## {t('privacy.access.workshops', lang)}", ""]
    for person in people:
        lines.append(
            "- "
            + t(
                "privacy.access.joined",
                lang,
                pseudonym=escape(person.pseudonym),
                code=escape(person.session_code),
                at=when(person.joined_at, lang),
            )
        )
        for answer in (g for g in given if g.participant_id == person.id):
            lines.append(
                f"  - {escape(answer.exercise_id)} / {escape(answer.item)} : "
                f"{escape(answer.value)} ({when(answer.submitted_at, lang)})"
            )
    return [*lines, ""]


def _documents(store: Store, document_ids: tuple[str, ...], lang: str | None) -> list[str]:
    docs = qual.documents
    with store.engine.connect() as conn:
        found = conn.execute(
            select(docs.c.id, docs.c.name, docs.c.text)
            .where(docs.c.id.in_(document_ids))
            .order_by(docs.c.created_at, docs.c.id)
        ).all()
    lines = [f"## {t('privacy.access.documents', lang)}", ""]
    for document in found:
        lines += [f"### {escape(document.name)}", ""]
        lines += [escape(line) if line.strip() else "" for line in document.text.splitlines()]
        lines.append("")
    return lines


def access_report(store: Store, subject: Subject, *, by: str, lang: str | None = None) -> str:
    """The Markdown text of everything held about ``subject``, ``pii`` answers included.

    The request is recorded in the privacy log (who answered it, when, how many responses).

    Raises
    ------
    StoreError
        ``P021`` when nothing is held about the subject; key errors (``P001``, ``P003``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: visite, version: '1', title: Visite à domicile, privacy: {retention_days: 30},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... ))
    >>> from toolkit.privacy import find_subject
    >>> ines = store.submit("visite", {"telephone": "06 12 34 56 78", "nb": 2}, collector="Samia")
    >>> report = access_report(store, find_subject(store, value="0612345678"), by="coordination")
    >>> print(report.splitlines()[0])
    # Données détenues sur une personne (droit d'accès, article 15 du RGPD)
    >>> "- **telephone** : 06 12 34 56 78" in report
    True
    >>> list(store.privacy_log()["action"])
    ['access']
    """
    if subject.empty:
        raise StoreError(problems=[Problem("P021", {})])
    now = dt.datetime.now(dt.UTC)
    lines = [
        f"# {t('privacy.access.title', lang)}",
        "",
        t("privacy.access.intro", lang, at=when(now, lang), by=escape(by)),
        "",
        t("privacy.access.count", lang, count=len(subject.response_ids)),
        "",
    ]
    for response_id in subject.response_ids:
        lines += _response(store, store.get(response_id, include_pii=True), lang)
    if subject.participant_ids:
        lines += _participations(store, subject.participant_ids, lang)
    if subject.document_ids:
        lines += _documents(store, subject.document_ids, lang)
    store.log_privacy("access", by=by, n_responses=len(subject.response_ids))
    return "\n".join(lines)


def write_access_report(
    store: Store, subject: Subject, path: str | Path, *, by: str, lang: str | None = None
) -> Path:
    """Write :func:`access_report` to ``path`` (UTF-8 Markdown) and return the path.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> from toolkit.store.keyfile import create_key
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = connect("sqlite://", key_file=create_key(folder / "pii.key")[0])
    >>> _ = store.register(loads(
    ...     "{id: visite, version: '1', title: Visite à domicile, privacy: {retention_days: 30},"
    ...     " questions: [{name: telephone, type: text, pii: true}, {name: nb, type: integer}]}"
    ... ))
    >>> from toolkit.privacy import find_subject
    >>> _ = store.submit("visite", {"telephone": "06 12 34 56 78", "nb": 2})
    >>> subject = find_subject(store, value="06.12.34.56.78")
    >>> path = write_access_report(store, subject, folder / "acces.md", by="coordination")
    >>> path.name, "06 12 34 56 78" in path.read_text(encoding="utf-8")
    ('acces.md', True)
    """
    target = Path(path)
    text = access_report(store, subject, by=by, lang=lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    return target
