from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.qual import QualProject, load_codebook
from toolkit.store import connect

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "surveys" / "codebooks" / "besoins_habitants.yaml"


@pytest.fixture
def project(db_url):
    store = connect(db_url)
    qual = QualProject(store)
    qual.save_codebook(load_codebook(CODEBOOK), by="Awa")
    yield qual
    store.close()
