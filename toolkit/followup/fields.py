"""Checking what a person records with a step: required fields, choices, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from toolkit.errors import Problem
from toolkit.followup.errors import problem
from toolkit.followup.labels import day_text, label_list
from toolkit.followup.lifecycles import FIELD_CHOICES, Transition
from toolkit.instruments.dates import parse_date

__all__ = ["check_fields"]


def check_fields(
    step: Transition,
    fields: Mapping[str, object],
    *,
    date: dt.date,
    parent_date: dt.date,
    today: dt.date,
) -> tuple[dict[str, object], list[Problem]]:
    """The cleaned fields of ``step`` (text stripped, dates as ISO text) and every problem.

    Problems: ``F013`` a field the step does not take, ``F003`` a required field missing,
    ``F004`` a value outside its list, ``F005`` not a date, ``F006`` a date before the
    parent record's, ``F011`` a date in the future, ``F012`` a planned date before the step.
    """
    problems: list[Problem] = []
    known = {f.name: f for f in step.fields}
    for name in fields:
        if name not in known:
            problems.append(
                problem(
                    "F013",
                    field=name,
                    field_name=name,
                    event=step.event,
                    kind=step.kind,
                    known=", ".join(known) or "—",
                )
            )
    if date > today:
        problems.append(problem("F011", field="date", date=day_text(date)))
    if date < parent_date:
        problems.append(
            problem("F006", field="date", date=day_text(date), parent=day_text(parent_date))
        )
    cleaned: dict[str, object] = {}
    for spec in step.fields:
        raw = fields.get(spec.name)
        value = raw.strip() if isinstance(raw, str) else raw
        needed = spec.required or (
            spec.required_if is not None and cleaned.get(spec.required_if[0]) == spec.required_if[1]
        )
        if value is None or value == "":
            if needed:
                problems.append(
                    problem(
                        "F003",
                        field=spec.name,
                        field_name=spec.name,
                        event=step.event,
                        kind=step.kind,
                    )
                )
            continue
        if spec.kind == "choice":
            allowed = FIELD_CHOICES[spec.name]
            if value not in allowed:
                problems.append(
                    problem(
                        "F004",
                        field=spec.name,
                        field_name=spec.name,
                        value=str(value),
                        choices=label_list(f"choice.{spec.name}", allowed),
                    )
                )
                continue
        elif spec.kind == "date":
            planned = parse_date(value)
            if planned is None:
                problems.append(
                    problem("F005", field=spec.name, field_name=spec.name, value=str(value))
                )
                continue
            if planned < date:
                problems.append(
                    problem(
                        "F012",
                        field=spec.name,
                        field_name=spec.name,
                        value=day_text(planned),
                        date=day_text(date),
                    )
                )
                continue
            value = planned.isoformat()
        else:
            value = str(value)
        cleaned[spec.name] = value
    return cleaned, problems
