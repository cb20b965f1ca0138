"""Fuzzing the response importers (plain CSV, KoboToolbox CSV, ODK Central ZIP) on both
engines: rows imported or a coded per-row report; what is imported can be read back."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.reliability.mutations import mutated
from tests.reliability.targets import fuzz_settings, import_into, watchdog
from toolkit.instruments import load
from toolkit.store import Store, connect

DATA = Path(__file__).resolve().parents[1] / "interop" / "data"
VISITE = load(DATA / "visite_test.yaml")
PLAIN_COLUMNS = (
    "response_id",
    "collector",
    "team",
    "sector",
    "wave",
    "started_at",
    "consentement",
    "date_visite",
    "secteur",
    "problemes",
    "position",
    "nb_personnes",
    "nom_contact",
    "quartier_agreable",
    "rues_propres",
    "commentaire",
)
#: Cell contents that broke an importer or the store once, and their neighbours.
HOSTILE_CELLS = (
    "",
    "oui",
    "centre",
    "bruit proprete",
    "3",
    "48.85 2.35",
    "2024-03-05",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+14:00",
    "2024-03-05T10:02:11+01:00",
    "9" * 20,
    "9" * 401,
    str(2**63),
    "-" + str(2**63),
    "1e308",
    "=1+1",
    "a\r=1+1",
    "x\x00y",
    "\x0b",
    "é" * 201,
    "c" * 201,
    "x" * 10_001,
    "\ufeffoui",
    "NaN",
    "inf",
    '"',
    ";",
    "r-001",
)
cells = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=25))


@pytest.fixture
def visite_store(db_url: str) -> Iterator[Store]:
    store = connect(db_url)
    store.register(VISITE)
    yield store
    store.close()


def _plain_csv(rows: list[dict], sep: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PLAIN_COLUMNS, delimiter=sep)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _read_back(store: Store) -> None:
    """What an import accepted can be turned into frames (``Store.frame`` broke on 2**63)."""
    with watchdog("import", count=False):
        store.frame("visite_test")
        store.repeat_frame("visite_test", "constats")


@given(
    st.lists(st.fixed_dictionaries(dict.fromkeys(PLAIN_COLUMNS, cells)), min_size=1, max_size=4),
    st.sampled_from([",", ";"]),
    st.sampled_from(["plain.csv", "export_" + "x" * 60 + ".csv"]),
)
@fuzz_settings(20)
def test_import__plain_csv_with_hostile_cells__imported_or_coded(
    visite_store: Store, tmp_path: Path, rows: list, sep: str, name: str
) -> None:
    for row in rows:
        row["response_id"] = row["response_id"] or str(uuid.uuid4())
    path = tmp_path / name
    path.write_text(_plain_csv(rows, sep), encoding="utf-8")
    if import_into(visite_store, "visite_test", path):
        _read_back(visite_store)


KOBO_SEEDS = ((DATA / "kobo_visite.csv").read_text(encoding="utf-8"),)
ODK_SEEDS = ((DATA / "odk_visite.csv").read_text(encoding="utf-8"),)


@given(mutated(KOBO_SEEDS))
@fuzz_settings(10)
def test_import__mutated_kobo_export__imported_or_coded(
    visite_store: Store, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "kobo.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    if import_into(visite_store, "visite_test", path):
        _read_back(visite_store)


@given(mutated(ODK_SEEDS), st.binary(max_size=40), st.booleans())
@fuzz_settings(10)
def test_import__mutated_odk_zip__imported_or_coded(
    visite_store: Store, tmp_path: Path, text: str, noise: bytes, corrupt: bool
) -> None:
    path = tmp_path / "visite_test.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("visite_test.csv", text.encode("utf-8", "surrogatepass"))
        archive.write(DATA / "odk_visite-constats.csv", "visite_test-constats.csv")
    if corrupt:
        data = bytearray(path.read_bytes())
        at = len(noise) * 7 % max(1, len(data))
        data[at : at + len(noise)] = noise
        path.write_bytes(bytes(data))
    if import_into(visite_store, "visite_test", path):
        _read_back(visite_store)
