"""Pull submissions straight from an ODK Central server, with its official client (pyodk).

The submissions are read from Central's OData API (``Submissions?$expand=*``, page by page):
each one is a JSON object whose groups are nested objects, whose repeats are arrays of
entries (each with its own ``__id``), whose geopoints are GeoJSON, with ``__id`` (the
instance id) and ``__system`` (submission date, submitter, review state). They are turned
into the tables of an ODK Central export (``KEY``/``PARENT_KEY``) and imported like a file:
all or nothing, every rejected submission named with its reason, nothing added twice.

The settings are read from a TOML file: pyodk's own ``[central]`` section (``base_url``,
``username``, ``password``, ``default_project_id``) and a ``[pull]`` section (``form_id``,
the form's ``xmlFormId``; ``project_id``). Submissions a reviewer rejected in Central are
left out unless asked for.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import DataImportError, Problem
from toolkit.i18n import Msg
from toolkit.interop.importer import ImportReport, import_tables
from toolkit.interop.tables import Table
from toolkit.store.store import Store

__all__ = ["PAGE_SIZE", "CentralSettings", "PullReport", "odata_tables", "pull_submissions"]

#: Submissions asked for per request ($top), so that a large form is read in steps.
PAGE_SIZE = 250
_SKIPPED_KEYS = ("__id", "__system", "meta")


@dataclass(frozen=True)
class CentralSettings:
    """Where and how to reach one form on a Central server (the password is never shown)."""

    base_url: str
    username: str
    password: str
    project_id: int
    form_id: str
    #: Where pyodk keeps its session token (beside the settings file).
    cache_path: Path | None = None

    def __repr__(self) -> str:
        return f"CentralSettings({self.base_url!r}, project {self.project_id}, {self.form_id!r})"


@dataclass(frozen=True)
class PullReport:
    """What a pull did: the import itself and the submissions left out as rejected."""

    imported: ImportReport
    submissions: int
    rejected: int


def read_settings(
    path: str | Path, *, project_id: int | None = None, form_id: str | None = None
) -> CentralSettings:
    """The settings of ``path``; ``project_id`` and ``form_id`` override the file's.

    Raises
    ------
    DataImportError
        ``X031`` the file cannot be read or lacks a setting (named).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataImportError(
            problems=[Problem("X031", {"key": "-", "error": str(exc)}, file=str(path))]
        ) from None
    central = _mapping(data.get("central"))
    pull = _mapping(data.get("pull"))
    values = {
        "base_url": central.get("base_url"),
        "username": central.get("username"),
        "password": central.get("password"),
        "project_id": project_id or pull.get("project_id") or central.get("default_project_id"),
        "form_id": form_id or pull.get("form_id"),
    }
    missing = [key for key, value in values.items() if value in (None, "")]
    if missing:
        raise DataImportError(
            problems=[
                Problem("X031", {"key": key, "error": Msg.of("central.missing")}, file=str(path))
                for key in missing
            ]
        )
    project = _integer(values["project_id"])
    if project is None:
        raise DataImportError(
            problems=[
                Problem(
                    "X031", {"key": "project_id", "error": values["project_id"]}, file=str(path)
                )
            ]
        )
    return CentralSettings(
        base_url=str(values["base_url"]),
        username=str(values["username"]),
        password=str(values["password"]),
        project_id=project,
        form_id=str(values["form_id"]),
        cache_path=path.with_name(".pyodk_cache.toml"),
    )


def fetch_submissions(settings: CentralSettings, *, page: int = PAGE_SIZE) -> list[dict]:
    """Every submission of the form, from Central's OData API (repeats expanded).

    Raises
    ------
    DataImportError
        ``X032`` the server cannot be reached, ``X033`` Central refuses (its status).
    """
    from pyodk._utils.config import CentralConfig, Config
    from pyodk.client import Client
    from pyodk.errors import PyODKError
    from requests import RequestException

    where = f"{settings.base_url} ({settings.project_id}/{settings.form_id})"
    config = Config(
        central=CentralConfig(
            base_url=settings.base_url,
            username=settings.username,
            password=settings.password,
            default_project_id=settings.project_id,
        )
    )
    entries: list[dict] = []
    try:
        with Client(config=config, cache_path=settings.cache_path) as client:
            while True:
                document = client.submissions.get_table(
                    form_id=settings.form_id,
                    project_id=settings.project_id,
                    expand="*",
                    top=page,
                    skip=len(entries),
                )
                values = document.get("value") if isinstance(document, Mapping) else None
                if not isinstance(values, list):
                    raise DataImportError(
                        problems=[Problem("X033", {"status": "?", "error": "value"}, file=where)]
                    )
                entries += [v for v in values if isinstance(v, dict)]
                if len(values) < page:
                    return entries
    except PyODKError as exc:
        response = exc.args[1] if len(exc.args) > 1 else None
        status = getattr(response, "status_code", "?")
        raise DataImportError(
            problems=[Problem("X033", {"status": status, "error": _reason(response)}, file=where)]
        ) from None
    except (RequestException, OSError) as exc:
        raise DataImportError(
            problems=[Problem("X032", {"error": type(exc).__name__}, file=where)]
        ) from None


def _integer(value: object) -> int | None:
    """``int(value)`` of a TOML number or text; None when it is neither or does not convert."""
    if not isinstance(value, int | float | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _mapping(value: object) -> Mapping[str, object]:
    """``value`` when it is a mapping (a TOML table, a JSON object), else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _reason(response: object) -> str:
    """Central's own message (``{"code": 401.2, "message": "..."}``), else the status text."""
    reason = str(getattr(response, "reason", "") or "")
    read_json = getattr(response, "json", None)
    if read_json is None:
        return reason
    try:
        body = read_json()
    except (AttributeError, ValueError):
        return reason
    return str(body.get("message", "")) if isinstance(body, Mapping) else ""


def odata_tables(entries: Sequence[Mapping[str, object]], form_id: str) -> list[Table]:
    """Central's OData submissions as the tables of its CSV export (groups joined by ``-``,
    ``KEY`` and ``PARENT_KEY`` linking each repeat entry to its parent)."""
    main: list[dict[str, object]] = []
    repeats: dict[str, list[dict[str, object]]] = {}
    for entry in entries:
        row: dict[str, object] = {}
        system = _mapping(entry.get("__system"))
        key = str(entry.get("__id", ""))
        row.update(
            {
                "KEY": key,
                "meta-instanceID": key,
                "SubmissionDate": system.get("submissionDate"),
                "SubmitterName": system.get("submitterName"),
                "DeviceID": system.get("deviceId"),
                "ReviewState": system.get("reviewState"),
            }
        )
        _flatten(entry, "", row, key, repeats)
        main.append(row)
    tables = [_table(form_id, main)]
    tables += [_table(name, rows) for name, rows in repeats.items()]
    return tables


def _flatten(
    node: Mapping[str, object],
    prefix: str,
    row: dict[str, object],
    key: str,
    repeats: dict[str, list[dict[str, object]]],
) -> None:
    for name, value in node.items():
        if name in _SKIPPED_KEYS or name.endswith("@odata.navigationLink") or value is None:
            continue
        path = f"{prefix}{name}"
        if isinstance(value, list):
            for entry in value:
                if not isinstance(entry, Mapping):
                    continue
                child_key = f"{key}/{name}[{entry.get('__id', '')}]"
                child: dict[str, object] = {"PARENT_KEY": key, "KEY": child_key}
                _flatten(entry, "", child, child_key, repeats)
                repeats.setdefault(name, []).append(child)
        elif isinstance(value, Mapping) and value.get("type") == "Point":
            row[path] = _geopoint(value)
        elif isinstance(value, Mapping):
            _flatten(value, f"{path}-", row, key, repeats)
        elif isinstance(value, bool):
            row[path] = "1" if value else "0"
        else:
            row[path] = value


def _geopoint(value: Mapping[str, object]) -> str | None:
    """GeoJSON ``[lon, lat, alt]`` and ``properties.accuracy`` as ODK's ``lat lon alt acc``."""
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return None
    lon, lat, *rest = coordinates
    accuracy = _mapping(value.get("properties")).get("accuracy")
    parts = [lat, lon, rest[0] if rest else 0, accuracy if accuracy is not None else 0]
    return " ".join(str(p) for p in parts)


def _table(name: str, rows: list[dict[str, object]]) -> Table:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    numbered = tuple((number, row) for number, row in enumerate(rows, start=2))
    return Table(name, tuple(columns), numbered)


def pull_submissions(
    store: Store,
    instrument_id: str,
    settings: CentralSettings,
    *,
    include_rejected: bool = False,
    fetch: Callable[[CentralSettings], list[dict]] = fetch_submissions,
) -> PullReport:
    """Pull the submissions of one Central form into ``store`` (all or nothing).

    Raises
    ------
    DataImportError
        ``X031``-``X033`` settings or server, and every problem :func:`import_file` reports.

    Examples
    --------
    ``fetch`` stands here for the server: it returns two submissions in Central's OData
    shape, the second one rejected by a reviewer.

    >>> from toolkit.instruments import loads
    >>> from toolkit.store import connect
    >>> store = connect("sqlite://")
    >>> _ = store.register(loads(
    ...     "{id: tournee, version: '1', title: Tournée, questions: ["
    ...     "{name: secteur, type: select_one, label: Secteur,"
    ...     " choices: [{value: gare, label: Gare}, {value: centre, label: Centre-ville}]}]}"
    ... ))
    >>> settings = CentralSettings("https://central.exemple.org", "equipe@exemple.org",
    ...                            "mot de passe", project_id=1, form_id="tournee")
    >>> def fetch(settings):
    ...     return [
    ...         {"__id": "uuid:a1", "__system": {"submitterName": "Amina B."}, "secteur": "gare"},
    ...         {"__id": "uuid:a2", "__system": {"reviewState": "rejected"}, "secteur": "centre"},
    ...     ]
    >>> report = pull_submissions(store, "tournee", settings, fetch=fetch)
    >>> report.submissions, report.rejected, report.imported.imported
    (2, 1, 1)
    >>> store.frame("tournee")[["collector", "secteur"]].values.tolist()
    [['Amina B.', 'gare']]
    """
    entries = fetch(settings)
    kept = [
        e
        for e in entries
        if include_rejected or _mapping(e.get("__system")).get("reviewState") != "rejected"
    ]
    source = f"{settings.base_url} ({settings.project_id}/{settings.form_id})"
    if not kept:
        raise DataImportError(problems=[Problem("X025", {}, file=source)])
    report = import_tables(
        store,
        instrument_id,
        odata_tables(kept, settings.form_id),
        format="odk",
        source=source,
        label=f"central:{settings.project_id}/{settings.form_id}"[:45],
    )
    return PullReport(imported=report, submissions=len(entries), rejected=len(entries) - len(kept))
