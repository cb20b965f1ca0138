from tests.helpers import html_msg
from toolkit.apps.collect import FieldworkView
from toolkit.collect import current_wave
from toolkit.store import connect


def test_fieldwork__counts_and_quota_cells(barometre, tmp_path, complete_answers):
    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.register(barometre)
    store.submit(barometre.id, complete_answers, wave=current_wave(), collector="med07")
    view = FieldworkView(store, [barometre])
    assert "Quartier de la Gare" in view.sectors.value
    assert "<td>1</td>" in view.sectors.value
    assert f"<th>{html_msg('collect.fieldwork.target')}</th>" in view.quotas.value
    assert html_msg("collect.fieldwork.missing", count=8) in view.next_cells.value
    view.lang_switch.value = "en"
    assert "Station district" in view.sectors.value
    store.close()


def test_fieldwork__opens_on_the_latest_wave_with_responses(barometre, tmp_path, complete_answers):
    import datetime as dt

    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.register(barometre)
    spring = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    autumn = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    store.submit(barometre.id, complete_answers, wave="2026-automne", started_at=autumn)
    store.submit(
        barometre.id, {**complete_answers, "sexe": "h"}, wave="2026-printemps", started_at=spring
    )
    assert store.waves(barometre.id) == ["2026-printemps", "2026-automne"]
    view = FieldworkView(store, [barometre])
    assert view.wave.value == "2026-automne"
    assert "<td>1</td>" in view.quotas.value
    store.close()


def test_fieldwork__no_response_yet__current_quarter(barometre, tmp_path):
    store = connect(f"sqlite:///{tmp_path / 'db.sqlite'}")
    store.register(barometre)
    assert FieldworkView(store, [barometre]).wave.value == current_wave()
    store.close()
