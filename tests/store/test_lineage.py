"""Renames between instrument versions (migration 0008) and frames lined up across them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from toolkit.instruments import Instrument, from_mapping, instrument_to_dict
from toolkit.store import Store
from toolkit.store.lineage import (
    Step,
    metadata,
    record_step,
    registered_versions,
    response_counts,
    steps,
)


def test_migrations__renames_table__matches_lineage_module(store: Store) -> None:
    ours = set(metadata.tables)

    def only_ours(name, type_, _parent):
        return type_ != "table" or name in ours

    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": only_ours, "compare_type": True}
        )
        assert compare_metadata(context, metadata) == []


def _version(mini: Instrument, version: str, renames: dict[str, str]) -> Instrument:
    data = instrument_to_dict(mini)
    data["version"] = version

    def visit(items: list[dict]) -> None:
        for item in items:
            if item["name"] in renames:
                item["name"] = renames[item["name"]]
            for key in ("questions", "items"):
                visit(item.get(key, []))
            for key in ("relevant", "constraint", "calculation", "required"):
                if isinstance(item.get(key), str):
                    for old, new in renames.items():
                        item[key] = item[key].replace("${" + old + "}", "${" + new + "}")

    visit(data["sections" if "sections" in data else "questions"])
    analysis = data.get("analysis", {})
    for key in ("sector", "wave"):
        if analysis.get(key) in renames:
            analysis[key] = renames[analysis[key]]
    return from_mapping(data)


def test_frame__question_renamed_in_a_new_version__one_column_for_both(
    mini_store: Store, mini: Instrument, answers: dict
) -> None:
    mini_store.submit("mini", answers)
    newer = _version(mini, "2", {"commentaire": "remarque"})
    mini_store.register(newer)
    record_step(mini_store, "mini", Step(mini.version, "2", {"commentaire": "remarque"}))
    later = {**answers, "remarque": answers["commentaire"]}
    del later["commentaire"]
    mini_store.submit("mini", {**later, "remarque": "Autre chose."})
    frame = mini_store.frame("mini")
    assert list(frame["remarque"]) == ["Rien à signaler.", "Autre chose."]
    assert "commentaire" not in frame.columns
    assert response_counts(mini_store, "mini") == {mini.version: 1, "2": 1}
    assert registered_versions(mini_store, "mini") == [mini.version, "2"]


def test_record_step__same_two_versions_again__replaced(mini_store: Store) -> None:
    record_step(mini_store, "mini", Step("1", "2", {"a": "b"}, {"b": {"x": "y"}}))
    record_step(mini_store, "mini", Step("1", "2", {"a": "c"}))
    assert steps(mini_store, "mini") == [Step("1", "2", {"a": "c"}, {})]
