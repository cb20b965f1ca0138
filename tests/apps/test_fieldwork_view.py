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
    assert "Objectif" in view.quotas.value
    assert "il en manque 8" in view.next_cells.value
    view.lang_switch.value = "en"
    assert "Station district" in view.sectors.value
    store.close()
