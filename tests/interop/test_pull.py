"""``toolkit pull --from odk-central``: pyodk against recorded responses of Central's API.

A small HTTP server on 127.0.0.1 answers as Central does (see ``data/central/README.md``):
pyodk logs in, reads the OData data document page by page, and the submissions are imported
all or nothing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from toolkit.cli import main
from toolkit.errors import DataImportError
from toolkit.instruments import load
from toolkit.interop.central import pull_submissions, read_settings
from toolkit.store import Store, connect

DATA = Path(__file__).parent / "data"
CENTRAL = DATA / "central"
PASSWORD = "mot-de-passe-de-test"
FIRST = "9a1f0c2e-5b3d-4e6f-8a7b-1c2d3e4f5a6b"


class _Central(BaseHTTPRequestHandler):
    """The endpoints pyodk calls, answered from the recorded documents."""

    requests: list[str]

    def log_message(self, *_: object) -> None:  # quiet test output
        return

    def reply(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(f"POST {self.path}")  # type: ignore[attr-defined]
        if self.path == "/v1/sessions" and body.get("password") == PASSWORD:
            self.reply(200, json.loads((CENTRAL / "session.json").read_text()))
        else:
            message = "Could not authenticate with the provided credentials."
            self.reply(401, {"code": 401.2, "message": message})

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.server.requests.append(f"GET {url.path}?{url.query}")  # type: ignore[attr-defined]
        token = json.loads((CENTRAL / "session.json").read_text())["token"]
        if self.headers.get("Authorization") != f"Bearer {token}":
            self.reply(401, {"code": 401.2, "message": "Could not authenticate."})
        elif url.path == "/v1/users/current":
            self.reply(200, {"id": 12, "displayName": "Equipe Nord"})
        elif url.path == "/v1/projects/3/forms/visite_menages.svc/Submissions":
            query = parse_qs(url.query)
            document = json.loads((CENTRAL / "submissions.json").read_text())
            skip = int(query.get("$skip", ["0"])[0])
            top = int(query.get("$top", [str(len(document["value"]))])[0])
            assert query.get("$expand") == ["*"]
            document["value"] = document["value"][skip : skip + top]
            self.reply(200, document)
        else:
            message = "Could not find the resource you were looking for."
            self.reply(404, {"code": 404.1, "message": message})


@pytest.fixture
def central() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Central)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _settings_file(tmp_path: Path, server: ThreadingHTTPServer, **changes: str) -> Path:
    values = {
        "base_url": f"http://127.0.0.1:{server.server_address[1]}",
        "username": "coordination@mediation.example.org",
        "password": PASSWORD,
        "form_id": "visite_menages",
        **changes,
    }
    path = tmp_path / "central.toml"
    path.write_text(
        "[central]\n"
        f'base_url = "{values["base_url"]}"\n'
        f'username = "{values["username"]}"\n'
        f'password = "{values["password"]}"\n'
        "default_project_id = 3\n\n"
        "[pull]\n"
        f'form_id = "{values["form_id"]}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = connect(f"sqlite:///{tmp_path / 'toolkit.sqlite'}")
    store.register(load(DATA / "menages.yaml"))
    yield store
    store.close()


def test_pull__central_odata__nested_repeats_loop_and_metadata_imported(
    central: ThreadingHTTPServer, store: Store, tmp_path: Path
) -> None:
    settings = read_settings(_settings_file(tmp_path, central))
    report = pull_submissions(store, "visite_menages", settings)
    assert (report.submissions, report.rejected, report.imported.imported) == (3, 1, 2)
    assert report.imported.ignored_columns == ()
    response = store.get(FIRST)
    assert response.collector == "Equipe Nord"
    answers = response.answers
    assert [[m["prenom"] for m in e["membres"]] for e in answers["menages"]] == [
        ["Ana", "Bo"],
        ["Cy"],
    ]
    assert answers["equip"] == [{"nombre": 1, "en_panne": 0}, {"nombre": 2}]
    assert answers["heure_passage"] == "14:15:00"
    assert (answers["type_logement"], answers["type_logement_other"]) == ("other", "Squat")


def test_pull__pages_of_central__every_submission_read(
    central: ThreadingHTTPServer, store: Store, tmp_path: Path
) -> None:
    from toolkit.interop.central import fetch_submissions

    settings = read_settings(_settings_file(tmp_path, central))
    entries = fetch_submissions(settings, page=2)
    assert [e["__id"][5:13] for e in entries] == ["9a1f0c2e", "2b3c4d5e", "5d1f3a2b"]
    pages = [r for r in central.requests if "Submissions" in r]  # type: ignore[attr-defined]
    assert len(pages) == 2
    assert "%24skip=2" in pages[1] or "$skip=2" in pages[1]


def test_pull__twice__nothing_added_the_second_time(
    central: ThreadingHTTPServer, store: Store, tmp_path: Path
) -> None:
    settings = read_settings(_settings_file(tmp_path, central))
    pull_submissions(store, "visite_menages", settings)
    again = pull_submissions(store, "visite_menages", settings, include_rejected=False)
    assert (again.imported.imported, again.imported.already_present) == (0, 2)


def test_pull__wrong_password__x033_with_centrals_message(
    central: ThreadingHTTPServer, store: Store, tmp_path: Path
) -> None:
    settings = read_settings(_settings_file(tmp_path, central, password="faux"))
    with pytest.raises(DataImportError) as caught:
        pull_submissions(store, "visite_menages", settings)
    (problem,) = caught.value.problems
    assert (problem.code, problem.params["status"]) == ("X033", 401)
    assert "Could not authenticate" in str(problem.params["error"])
    assert "faux" not in str(caught.value)


def test_pull__unknown_form__x033_404(
    central: ThreadingHTTPServer, store: Store, tmp_path: Path
) -> None:
    settings = read_settings(_settings_file(tmp_path, central, form_id="inconnu"))
    with pytest.raises(DataImportError) as caught:
        pull_submissions(store, "visite_menages", settings)
    assert [(p.code, p.params["status"]) for p in caught.value.problems] == [("X033", 404)]


def test_pull__server_down__x032(store: Store, tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Central)
    port = server.server_address[1]
    server.server_close()  # nothing listens on that port any more
    path = tmp_path / "central.toml"
    path.write_text(
        f'[central]\nbase_url = "http://127.0.0.1:{port}"\nusername = "a"\npassword = "b"\n'
        'default_project_id = 3\n[pull]\nform_id = "visite_menages"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataImportError) as caught:
        pull_submissions(store, "visite_menages", read_settings(path))
    assert caught.value.codes == ["X032"]


def test_read_settings__missing_form__x031_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text('[central]\nbase_url = "https://c.example.org"\n', encoding="utf-8")
    with pytest.raises(DataImportError) as caught:
        read_settings(path)
    assert [p.params["key"] for p in caught.value.problems] == [
        "username",
        "password",
        "project_id",
        "form_id",
    ]
    settings = read_settings(_settings_file(tmp_path, _FakeAddress()), form_id="autre")
    assert settings.form_id == "autre"
    assert PASSWORD not in repr(settings)


class _FakeAddress:
    server_address = ("127.0.0.1", 9)


def test_cli_pull__exit_0_and_summary_then_exit_1_coded(
    central: ThreadingHTTPServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    config = str(_settings_file(tmp_path, central))
    args = ["--lang", "en", "pull", "visite_menages", "--from", "odk-central", "--config", config]
    status = main([*args, "--db", db, "--instrument", str(DATA / "menages.yaml")])
    out = capsys.readouterr().out
    assert status == 0
    assert "form visite_menages: 3 submissions read, 2 new responses" in out
    status = main([*args, "--db", db, "--form", "inconnu"])
    err = capsys.readouterr().err
    assert status == 1
    assert "X033" in err
    assert "Traceback" not in err
