"""Activity indicators for a period, sector and team, as one tidy table.

Each indicator counts the records whose own date (the intervention, the referral, the walk,
the meeting, the start of the project, the barometer interview) falls in the period, and
their follow-up as it stands in the register today. It names what it divides
(``numerator_label``) by what (``denominator_label``). The definitions and their place in
the social-utility evaluation are in :mod:`toolkit.followup.definitions`.

Only reads: parent records through :class:`toolkit.store.Store` frames (``pii`` fields left
out), follow-up items from the register tables. Records not yet synchronised into the
register count as not followed up yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from toolkit.errors import StoreError
from toolkit.followup.calendar import PARIS
from toolkit.followup.definitions import INDICATORS, LEVELS
from toolkit.followup.errors import FollowupError, problem
from toolkit.followup.register import Register
from toolkit.i18n import Msg, get_language, t
from toolkit.instruments.dates import parse_date
from toolkit.store.store import Store

__all__ = ["BY_COLUMNS", "INDICATOR_COLUMNS", "indicators"]

#: What ``by`` may name.
BY_COLUMNS = ("sector", "team")
#: Columns of :func:`indicators` (the ``by`` columns and their labels come after ``value``).
INDICATOR_COLUMNS = (
    "level",
    "register",
    "indicator",
    "label",
    "category",
    "category_label",
    "numerator",
    "denominator",
    "value",
    "unit",
    "numerator_label",
    "denominator_label",
)

_AGREEMENT = ("R-ACC", "R-ACCP")
_DEFERRED_MODES = ("M-NAV", "M-TRD")
_ATTENDANCE = ("nb_habitants", "nb_institutions", "nb_associations", "nb_bailleurs")


# ---------------------------------------------------------------------- arguments


def _check_date(name: str, value: object) -> dt.date | None:
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise FollowupError(
            problems=[
                problem(
                    "F010",
                    argument=name,
                    expected=Msg.of("followup.expected.date"),
                    got=repr(value),
                )
            ]
        )
    return parsed


def _check_by(by: str | Sequence[str] | None) -> list[str]:
    chosen = [] if by is None else [by] if isinstance(by, str) else list(by)
    for name in chosen:
        if name not in BY_COLUMNS:
            raise FollowupError(
                problems=[
                    problem(
                        "F010",
                        argument="by",
                        expected=Msg.of("followup.expected.by"),
                        got=repr(name),
                    )
                ]
            )
    return list(dict.fromkeys(chosen))


# ---------------------------------------------------------------------- reading


def _frame(store: object, instrument_id: str, repeat: str | None = None) -> pd.DataFrame | None:
    try:
        if repeat is None:
            return store.frame(instrument_id)  # type: ignore[attr-defined]
        return store.repeat_frame(instrument_id, repeat)  # type: ignore[attr-defined]
    except StoreError as error:
        if error.codes == ["S001"]:
            return None
        raise


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce").dt.date


def _in_period(
    frame: pd.DataFrame | None,
    column: str,
    start: dt.date | None,
    end: dt.date | None,
    keep: Sequence[str],
) -> pd.DataFrame:
    """The records of the period, with only the columns ``keep`` names (and the keys)."""
    if frame is None:
        return pd.DataFrame(columns=["response_id", *BY_COLUMNS, "_date"])
    wanted = ["response_id", *BY_COLUMNS, *keep]
    out = frame[[c for c in dict.fromkeys(wanted) if c in frame.columns]].copy()
    if column == "_interview":
        moment = frame["started_at"].fillna(frame["submitted_at"])
        out["_date"] = pd.to_datetime(moment, utc=True).dt.tz_convert(PARIS).dt.date
    else:
        out["_date"] = _dates(frame[column])
    first, last = start or dt.date.min, end or dt.date.max
    inside = [
        isinstance(d, dt.date) and not pd.isna(d) and first <= d <= last for d in out["_date"]
    ]
    out = out[np.array(inside, dtype=bool)]
    for name in BY_COLUMNS:
        out[name] = out[name].astype(object).where(out[name].notna(), "")
    return out.reset_index(drop=True)


def _followed(items: pd.DataFrame, kind: str) -> dict[tuple[str, int], tuple[str, list[dict]]]:
    """(parent id, index) → (state, steps) of the register's items of ``kind``."""
    chosen = items[items["kind"] == kind]
    keys = zip(chosen["parent_id"].astype(str), chosen["parent_index"].astype(int), strict=True)
    values = zip(
        chosen["state"].astype(str),
        [list(data.get("steps", [])) for data in chosen["data"]],
        strict=True,
    )
    return dict(zip(keys, values, strict=True))


def _attach(
    frame: pd.DataFrame, followed: dict[tuple[str, int], tuple[str, list[dict]]], initial: str
) -> pd.DataFrame:
    out = frame.copy()
    index = out["index"] if "index" in out.columns else pd.Series(0, index=out.index)
    keys = list(zip(out["response_id"].astype(str), index.astype(int), strict=True))
    out["_state"] = [followed.get(k, (initial, []))[0] for k in keys]
    out["_steps"] = [followed.get(k, (initial, []))[1] for k in keys]
    return out


def _step(
    steps: list[dict], *, event: str | Iterable[str] | None = None, source: str | None = None
) -> dict | None:
    events = {event} if isinstance(event, str) else set(event) if event is not None else None
    for step in steps:
        if (events is None or step.get("event") in events) and (
            source is None or step.get("from") == source
        ):
            return step
    return None


# ---------------------------------------------------------------------- aggregation


def _groups(frame: pd.DataFrame, by: list[str]) -> list[tuple[dict[str, str], pd.DataFrame]]:
    if not by:
        return [({}, frame)]
    if frame.empty:
        return []
    return [
        (dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), sub)
        for key, sub in frame.groupby(by, sort=True)
    ]


def _row(
    code: str, keys: dict[str, str], category: str, num: float, den: float, value: float
) -> dict:
    return {
        "indicator": code,
        "category": category,
        **keys,
        "numerator": num,
        "denominator": den,
        "value": value,
    }


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else np.nan


def _distribution(
    code: str, frame: pd.DataFrame, column: str, categories: Sequence[str], by: list[str]
) -> list[dict]:
    rows = []
    for keys, sub in _groups(frame, by):
        values = (
            sub[column].astype(object).dropna()
            if column in sub.columns
            else pd.Series(dtype=object)
        )
        counts = values.astype(str).value_counts()
        total = int(counts.sum())
        extra = [c for c in counts.index if c not in categories]
        for category in [*categories, *extra]:
            n = int(counts.get(category, 0))
            rows.append(_row(code, keys, category, n, total, _ratio(n, total)))
    return rows


def _share(
    code: str, frame: pd.DataFrame, numerator: pd.Series, denominator: pd.Series, by: list[str]
) -> list[dict]:
    rows = []
    flags = frame.assign(
        _num=numerator.astype(bool) & denominator.astype(bool), _den=denominator.astype(bool)
    )
    for keys, sub in _groups(flags, by):
        num, den = int(sub["_num"].sum()), int(sub["_den"].sum())
        rows.append(_row(code, keys, "", num, den, _ratio(num, den)))
    return rows


def _count(code: str, frame: pd.DataFrame, by: list[str]) -> list[dict]:
    return [
        _row(code, keys, "", len(sub), np.nan, float(len(sub))) for keys, sub in _groups(frame, by)
    ]


def _median(code: str, frame: pd.DataFrame, delays: pd.Series, by: list[str]) -> list[dict]:
    rows = []
    for keys, sub in _groups(frame.assign(_delay=delays), by):
        known = sub["_delay"].dropna().astype(float)
        rows.append(
            _row(
                code,
                keys,
                "",
                len(known),
                len(sub),
                float(known.median()) if len(known) else np.nan,
            )
        )
    return rows


def _delay(steps: pd.Series, start: pd.Series, event: str) -> pd.Series:
    out = []
    for recorded, began in zip(steps, start, strict=True):
        step = _step(recorded, event=event)
        day = parse_date(step.get("on")) if step else None
        out.append((day - began).days if day is not None else np.nan)
    return pd.Series(out, index=steps.index, dtype=float)


# ---------------------------------------------------------------------- the indicators


def _categories(store: object, instrument_id: str, question: str) -> tuple[str, ...]:
    try:
        choices = store.instrument(instrument_id).choices_of(question)  # type: ignore[attr-defined]
    except StoreError:
        return ()
    return tuple(c.value for c in choices.choices if not c.missing) if choices is not None else ()


def _interventions(
    store: object, frame: pd.DataFrame, items: pd.DataFrame, by: list[str]
) -> list[dict]:
    rows: list[dict] = []
    for code, column in (
        ("interventions_by_conflict_type", "type_conflit"),
        ("interventions_by_mode", "mode"),
        ("interventions_by_outcome", "resultat"),
    ):
        rows += _distribution(
            code, frame, column, _categories(store, "intervention_mediation", column), by
        )
    outcome = frame["resultat"].astype(object) if "resultat" in frame else pd.Series(dtype=object)
    mode = frame["mode"].astype(object) if "mode" in frame else pd.Series(dtype=object)
    rows += _share(
        "deferred_agreement", frame, outcome.isin(_AGREEMENT), mode.isin(_DEFERRED_MODES), by
    )
    agreements = _attach(frame[outcome.isin(_AGREEMENT)], _followed(items, "agreement"), "planned")
    at_30 = agreements["_steps"].map(lambda s: (_step(s, source="planned") or {}).get("event"))
    at_90 = agreements["_steps"].map(lambda s: (_step(s, source="checked_30") or {}).get("event"))
    known = ("kept", "partly_kept", "broken")
    rows += _share("agreements_kept_30", agreements, at_30 == "kept", at_30.isin(known), by)
    rows += _share(
        "agreements_kept_90",
        agreements,
        at_90 == "kept",
        at_90.isin(known) | (at_30 == "broken"),
        by,
    )
    return rows


def _referrals(
    store: object, frame: pd.DataFrame, items: pd.DataFrame, by: list[str]
) -> list[dict]:
    consent = (
        frame["consentement"].astype(object) if "consentement" in frame else pd.Series(dtype=object)
    )
    given = np.array([v is True for v in consent], dtype=bool)
    frame = frame.loc[given].reset_index(drop=True)
    rows = _distribution(
        "referrals_by_partner_domain",
        frame,
        "domaine",
        _categories(store, "orientation_partenaire", "domaine"),
        by,
    )
    followed = _attach(frame, _followed(items, "referral"), "proposed")
    counted = ~followed["_state"].isin(("withdrawn", "cancelled"))
    rows += _share("referrals_taken_up", followed, followed["_state"] == "taken_up", counted, by)
    return rows


def _technical(
    store: object,
    walks: pd.DataFrame,
    entries: pd.DataFrame | None,
    items: pd.DataFrame,
    by: list[str],
) -> list[dict]:
    if entries is None or walks.empty:
        frame = pd.DataFrame(columns=["response_id", "index", "categorie", *BY_COLUMNS, "_date"])
    else:
        parents = walks[["response_id", *BY_COLUMNS, "_date"]]
        frame = parents.merge(entries, on="response_id", how="inner")
    rows = _distribution(
        "technical_by_category",
        frame,
        "categorie",
        _categories(store, "diagnostic_marchant", "categorie"),
        by,
    )
    followed = _attach(frame, _followed(items, "technical"), "reported")
    every = pd.Series(True, index=followed.index)
    rows += _median(
        "technical_ack_delay",
        followed,
        _delay(followed["_steps"], followed["_date"], "acknowledge"),
        by,
    )
    rows += _median(
        "technical_resolution_delay",
        followed,
        _delay(followed["_steps"], followed["_date"], "resolve"),
        by,
    )
    answered = followed["_state"].isin(("resolved", "rejected", "informed"))
    rows += _share(
        "technical_informed", followed, followed["_state"] == "informed", answered & every, by
    )
    return rows


def _meetings(
    meetings: pd.DataFrame, entries: pd.DataFrame | None, items: pd.DataFrame, by: list[str]
) -> list[dict]:
    rows = _count("meetings_held", meetings, by)
    for keys, sub in _groups(meetings, by):
        counts = {
            c: int(pd.to_numeric(sub[c], errors="coerce").fillna(0).sum()) if c in sub else 0
            for c in _ATTENDANCE
        }
        total = sum(counts.values())
        rows += [
            _row("meeting_attendance", keys, c, n, total, _ratio(n, total))
            for c, n in counts.items()
        ]
    if entries is None or meetings.empty:
        frame = pd.DataFrame(columns=["response_id", "index", *BY_COLUMNS])
    else:
        frame = meetings[["response_id", *BY_COLUMNS]].merge(entries, on="response_id", how="inner")
    followed = _attach(frame, _followed(items, "proposal"), "raised")
    state = followed["_state"]
    done = state.eq("done") | (
        state.eq("told") & followed["_steps"].map(lambda s: _step(s, event="complete") is not None)
    )
    counted = ~state.eq("cancelled")
    rows += _share(
        "proposals_answered",
        followed,
        state.isin(("accepted", "refused", "done", "told")),
        counted,
        by,
    )
    rows += _share("proposals_done", followed, done, state.eq("accepted") | done, by)
    rows += _share(
        "proposals_told", followed, state.eq("told"), state.isin(("done", "refused", "told")), by
    )
    return rows


def _projects(
    store: object,
    projects: pd.DataFrame,
    entries: pd.DataFrame | None,
    items: pd.DataFrame,
    by: list[str],
) -> list[dict]:
    rows = _count("projects_run", projects, by)
    rows += _distribution(
        "projects_by_outcome",
        projects,
        "statut",
        _categories(store, "projet_collectif", "statut"),
        by,
    )
    if entries is None or projects.empty:
        frame = pd.DataFrame(columns=["response_id", "index", *BY_COLUMNS])
    else:
        frame = projects[["response_id", *BY_COLUMNS]].merge(entries, on="response_id", how="inner")
    followed = _attach(frame, _followed(items, "milestone"), "planned")
    state = followed["_state"]
    rows += _share(
        "milestones_reached",
        followed,
        state.eq("reached"),
        state.isin(("reached", "partly_reached", "missed")),
        by,
    )
    return rows


def _barometer(frame: pd.DataFrame, by: list[str]) -> list[dict]:
    told = (
        frame["informe_suite"].astype(object)
        if "informe_suite" in frame
        else pd.Series(dtype=object, index=frame.index)
    )
    knows = (
        frame["connait_mediateurs"].astype(object)
        if "connait_mediateurs" in frame
        else pd.Series(dtype=object, index=frame.index)
    )
    rows = _share("residents_told_barometer", frame, told.eq("oui"), told.isin(("oui", "non")), by)
    rows += _share(
        "residents_know_mediators", frame, knows.isin(("contact", "vus")), knows.notna(), by
    )
    return rows


# ---------------------------------------------------------------------- suppression


def _suppress(table: pd.DataFrame, by: list[str], threshold: int) -> pd.DataFrame:
    """Hide small cells of the indicators that count residents or their situations."""
    table = table.copy()
    table["suppressed"] = False
    if threshold <= 1:
        return table
    from toolkit.analysis import suppress

    small = lambda n: (n >= 1) & (n < threshold)  # noqa: E731
    specs = {ind.code: ind for ind in INDICATORS}
    for code, rows in table.groupby("indicator", sort=False):
        spec = specs[str(code)]
        if not spec.residents:
            continue
        if spec.breakdown:
            cells = rows[[*by, "category", "numerator"]].rename(columns={"numerator": "n"})
            hidden = suppress(cells, threshold=threshold, count="n", dimensions=[*by, "category"])[
                "suppressed"
            ]
            hidden = hidden.to_numpy() | small(rows["denominator"]).to_numpy()
        else:
            num, den = rows["numerator"], rows["denominator"]
            hidden = (small(num) | small(den - num) | small(den)).to_numpy()
        table.loc[rows.index[hidden], "suppressed"] = True
    hide = table["suppressed"]
    table.loc[hide, ["numerator", "value"]] = np.nan
    table.loc[hide & small(table["denominator"]), "denominator"] = np.nan
    return table


# ---------------------------------------------------------------------- entry point


def indicators(
    store: Store,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    by: str | Sequence[str] | None = None,
    threshold: int = 5,
    lang: str | None = None,
) -> pd.DataFrame:
    """Activity indicators of the follow-up registers for a period, by sector and/or team.

    Parameters
    ----------
    store : toolkit.store.Store
        The store holding the parent records and the follow-up registers (only read).
    start, end : datetime.date or ISO text, optional
        First and last day of the period (inclusive); open-ended when ``None``.
    by : {"sector", "team"} or a list of both, optional
        Rows per sector and/or team (the parent record's).
    threshold : int
        Small-cell suppression of the indicators that count residents or their situations:
        a count from 1 to ``threshold - 1`` is hidden (with secondary suppression within a
        distribution, and the complement of a share); 1 publishes everything.
    lang : {"fr", "en"}, optional
        Language of the labels.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (per category for a distribution, per group with ``by``):
        ``level`` (réalisation / résultat / impact), ``register`` (social-utility register),
        ``indicator`` (code), ``label``, ``category`` and ``category_label`` (the taxonomy
        code and its label, empty for a single figure), ``numerator``, ``denominator``,
        ``value`` (numerator / denominator for a ``share``; the count for a ``count``; the
        median in days for ``days``, over the numerator's cases), ``unit``,
        ``numerator_label``, ``denominator_label``, then the ``by`` columns with their
        ``<by>_label``, and ``suppressed``.

    Raises
    ------
    FollowupError
        ``F010`` a bad ``start``, ``end``, ``by`` or ``threshold``.

    Examples
    --------
    >>> from toolkit.store import connect
    >>> from toolkit.demo.followup import fill_followup_demo
    >>> import datetime as dt
    >>> import tempfile
    >>> from pathlib import Path
    >>> from toolkit.store.keyfile import create_key
    >>> key = create_key(Path(tempfile.mkdtemp()) / "pii.key")[0]
    >>> store = connect("sqlite://", key_file=key)
    >>> _ = fill_followup_demo(store, today=dt.date(2026, 6, 30))
    >>> table = indicators(store, start="2026-01-01", end="2026-06-30")
    >>> kept = table.set_index("indicator").loc["agreements_kept_30"]
    >>> kept["numerator_label"]
    'accords tenus à la vérification des 30 jours'
    >>> bool(0 < kept["value"] < 1)
    True
    """
    lang = lang or get_language()
    first, last = _check_date("start", start), _check_date("end", end)
    if first is not None and last is not None and first > last:
        raise FollowupError(
            problems=[
                problem(
                    "F010",
                    argument="end",
                    expected=Msg.of("followup.expected.after_start"),
                    got=repr(end),
                )
            ]
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise FollowupError(
            problems=[
                problem(
                    "F010",
                    argument="threshold",
                    expected=Msg.of("followup.expected.threshold"),
                    got=repr(threshold),
                )
            ]
        )
    groups = _check_by(by)
    items = Register(store).states()
    period = lambda frame, column, *keep: _in_period(frame, column, first, last, keep)  # noqa: E731
    rows: list[dict] = []
    rows += _interventions(
        store,
        period(
            _frame(store, "intervention_mediation"),
            "date_intervention",
            "type_conflit",
            "mode",
            "resultat",
        ),
        items,
        groups,
    )
    rows += _referrals(
        store,
        period(
            _frame(store, "orientation_partenaire"), "date_orientation", "consentement", "domaine"
        ),
        items,
        groups,
    )
    rows += _technical(
        store,
        period(_frame(store, "diagnostic_marchant"), "date_marche"),
        _frame(store, "diagnostic_marchant", "observations"),
        items,
        groups,
    )
    rows += _meetings(
        period(_frame(store, "reunion_concertation"), "date_reunion", *_ATTENDANCE),
        _frame(store, "reunion_concertation", "propositions"),
        items,
        groups,
    )
    rows += _projects(
        store,
        period(_frame(store, "projet_collectif"), "date_debut", "statut"),
        _frame(store, "projet_collectif", "jalons"),
        items,
        groups,
    )
    rows += _barometer(
        period(
            _frame(store, "barometre_ambiance"), "_interview", "informe_suite", "connait_mediateurs"
        ),
        groups,
    )
    table = pd.DataFrame(
        rows, columns=["indicator", "category", *groups, "numerator", "denominator", "value"]
    )
    table = _suppress(
        table.astype({"numerator": float, "denominator": float, "value": float}), groups, threshold
    )
    return _labelled(store, table, groups, lang)


def _labelled(store: object, table: pd.DataFrame, by: list[str], lang: str) -> pd.DataFrame:
    specs = {ind.code: ind for ind in INDICATORS}
    order = {ind.code: i for i, ind in enumerate(INDICATORS)}
    out = table.copy()
    out["level"] = out["indicator"].map(lambda c: specs[c].level)
    out["register"] = out["indicator"].map(lambda c: specs[c].register)
    out["unit"] = out["indicator"].map(lambda c: specs[c].unit)
    out["label"] = out["indicator"].map(lambda c: t(f"followup.ind.{c}", lang))
    out["numerator_label"] = out["indicator"].map(lambda c: t(f"followup.ind.{c}.num", lang))
    out["denominator_label"] = out["indicator"].map(lambda c: t(f"followup.ind.{c}.den", lang))
    describe = _category_labeller(store, lang)
    out["category_label"] = [
        describe(specs[i].source, i, c)
        for i, c in zip(out["indicator"], out["category"], strict=True)
    ]
    for name in by:
        out[f"{name}_label"] = out[name].map(_group_labeller(store, name, lang))
    out["_level"] = out["level"].map({level: i for i, level in enumerate(LEVELS)})
    out["_order"] = out["indicator"].map(order)
    out = out.sort_values(["_level", "_order", *by], kind="stable").drop(
        columns=["_level", "_order"]
    )
    columns = [
        *INDICATOR_COLUMNS,
        *[c for name in by for c in (name, f"{name}_label")],
        "suppressed",
    ]
    return out[columns].reset_index(drop=True)


_CATEGORY_QUESTIONS = {
    "interventions_by_conflict_type": "type_conflit",
    "interventions_by_mode": "mode",
    "interventions_by_outcome": "resultat",
    "referrals_by_partner_domain": "domaine",
    "technical_by_category": "categorie",
    "projects_by_outcome": "statut",
}


def _category_labeller(store: object, lang: str) -> Callable[[str, str, str], str]:
    cache: dict[str, object] = {}

    def instrument(instrument_id: str) -> object | None:
        if instrument_id not in cache:
            try:
                cache[instrument_id] = store.instrument(instrument_id)  # type: ignore[attr-defined]
            except StoreError:
                cache[instrument_id] = None
        return cache[instrument_id]

    def describe(source: str, code: str, category: str) -> str:
        if not category:
            return ""
        found = instrument(source)
        if code == "meeting_attendance":
            if found is not None:
                return found.question(category).text(lang)  # type: ignore[attr-defined]
            return category
        question = _CATEGORY_QUESTIONS.get(code)
        choices = found.choices_of(question) if found is not None and question else None  # type: ignore[attr-defined]
        choice = choices.get(category) if choices is not None else None
        return choice.label.get(lang) if choice is not None else category

    return describe


def _group_labeller(store: object, name: str, lang: str) -> Callable[[str], str]:
    unknown = t("followup.ind.unknown_group", lang)
    if name == "team":
        return lambda code: code or unknown
    try:
        choices = store.instrument("intervention_mediation").choices_of("secteur")  # type: ignore[attr-defined]
    except StoreError:
        choices = None

    def sector(code: str) -> str:
        choice = choices.get(code) if choices is not None and code else None
        return choice.label.get(lang) if choice is not None else code or unknown

    return sector
