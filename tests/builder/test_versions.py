"""Editing an instrument with responses: a new version, damaging changes explained and
confirmed, renames recorded so that frames and exports line answers up across versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.builder.conftest import DATA, SURVEYS
from toolkit.builder import BuilderError, open_draft
from toolkit.builder.saving import plan_save, save_version
from toolkit.builder.versions import ChangeKind, changes, compose, next_version, step_of
from toolkit.instruments import load
from toolkit.interop import export_responses
from toolkit.store import Store
from toolkit.store.lineage import Step, align, chain, steps

ANSWERS = {
    "quartier": "nord",
    "adresse": "3 rue des Lilas",
    "bruit": "3",
    "problemes": ["tags", "eclairage"],
    "nb_personnes": 2,
    "remarque": "Tags sur le hall",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "surveys"
    target.mkdir()
    shutil.copyfile(DATA / "visite.yaml", target / "visite.yaml")
    return target


@pytest.fixture
def collected(store: Store, folder: Path) -> Store:
    store.register(load(folder / "visite.yaml"))
    store.submit("visite", ANSWERS, wave="2026-T4")
    store.submit("visite", {**ANSWERS, "quartier": "sud", "adresse": None, "bruit": "1"})
    return store


def test_changes__rename_recode_delete_retype__each_found_and_explained(folder: Path) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.rename("bruit", "gene_bruit")
    draft.rename_choice("quartiers", "nord", "nord_est")
    draft.delete_choice("problemes", "eclairage")
    draft.set_type("nb_personnes", "text")
    draft.delete("adresse")
    found = changes(draft.original, draft.instrument(), draft.renames, answered={"bruit": 2})
    kinds = {(c.kind, c.question) for c in found}
    assert kinds == {
        (ChangeKind.QUESTION_REMOVED, "adresse"),
        (ChangeKind.QUESTION_RENAMED, "bruit"),
        (ChangeKind.CODE_CHANGED, "quartier"),
        (ChangeKind.CODE_REMOVED, "problemes"),
        (ChangeKind.TYPE_CHANGED, "nb_personnes"),
    }
    renamed = next(c for c in found if c.kind is ChangeKind.QUESTION_RENAMED)
    assert renamed.explain("fr") == (
        "La question « Le bruit vous gêne-t-il ? » change d'identifiant (bruit → gene_bruit). "
        "Les 2 réponses déjà recueillies suivent le changement : tableaux et exports les "
        "alignent sur la nouvelle version."
    )
    assert all("{" not in c.explain(lang) for c in found for lang in ("fr", "en"))


def test_changes__deleted_then_same_name_reused__name_reused_and_answers_dropped(folder) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.delete("remarque")
    draft.add_question("remarque", "integer", parent="echange")
    found = changes(draft.original, draft.instrument(), draft.renames)
    assert [(c.kind, c.question) for c in found] == [(ChangeKind.NAME_REUSED, "remarque")]
    assert step_of(found, "1.0", "1.1").questions == {"remarque": ""}


def test_changes__code_deleted_then_given_again__code_reused(folder) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.delete_choice("frequence", "3")
    draft.add_choice("frequence", "3", {"fr": "Très souvent"})
    found = changes(draft.original, draft.instrument(), draft.renames)
    assert [(c.kind, c.old) for c in found] == [(ChangeKind.CODE_REUSED, "3")]
    assert step_of(found, "1.0", "1.1").codes == {"bruit": {"3": ""}}


def test_changes__choice_label_changed__to_be_checked(folder) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.set_choice_label("frequence", "3", "Tout le temps")
    found = changes(draft.original, draft.instrument(), draft.renames)
    assert [(c.kind, c.old_label, c.new_label) for c in found] == [
        (ChangeKind.CHOICE_RELABELLED, "Souvent", "Tout le temps")
    ]


def test_plan_save__instrument_with_responses__new_version_and_confirmation(
    collected: Store, folder: Path
) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.rename_choice("quartiers", "nord", "nord_est")
    plan = plan_save(draft, folder, store=collected, shipped={})
    assert (plan.version, plan.previous, plan.new_version, plan.responses) == (
        "1.1",
        "1.0",
        True,
        2,
    )
    assert plan.needs_confirmation
    assert plan.archive == folder / "_versions" / "visite-1.0.yaml"
    with pytest.raises(BuilderError) as error:
        save_version(draft, plan, store=collected)
    assert error.value.codes == ["B016"]
    assert load(folder / "visite.yaml").version == "1.0"


def test_save_version__renamed_question_and_code__frame_and_export_line_up(
    collected: Store, folder: Path, tmp_path: Path
) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.rename("quartier", "secteur")
    draft.rename_choice("quartiers", "nord", "nord_est")
    draft.rename("bruit", "gene_bruit")
    draft.rename_choice("frequence", "3", "4")
    plan = plan_save(draft, folder, store=collected, shipped={})
    save_version(draft, plan, store=collected, confirmed=True)

    assert load(folder / "visite.yaml").version == "1.1"
    assert load(folder / "_versions" / "visite-1.0.yaml").version == "1.0"
    collected.submit(
        "visite", {"secteur": "sud", "gene_bruit": "2", "problemes": ["tags"], "nb_personnes": 1}
    )
    frame = collected.frame("visite")
    assert list(frame["instrument_version"]) == ["1.0", "1.0", "1.1"]
    assert list(frame["secteur"].astype(str)) == ["nord_est", "sud", "sud"]
    assert list(frame["gene_bruit"].astype(str)) == ["4", "1", "2"]
    assert "quartier" not in frame.columns
    assert "bruit" not in frame.columns
    report = export_responses(collected, "visite", tmp_path / "visite.csv", format="csv")
    exported = (tmp_path / "visite.csv").read_text(encoding="utf-8")
    assert report.rows == 3
    assert "nord_est" in exported
    assert ",nord," not in exported


def test_save_version__again_in_the_same_session__renames_composed_once(
    collected: Store, folder: Path
) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.rename("quartier", "secteur")
    save_version(
        draft,
        plan_save(draft, folder, store=collected, shipped={}),
        store=collected,
        confirmed=True,
    )
    draft.rename("secteur", "zone")
    plan = plan_save(draft, folder, store=collected, shipped={})
    assert (plan.version, plan.new_version) == ("1.1", False)
    save_version(draft, plan, store=collected, confirmed=True)
    assert [s.questions for s in steps(collected, "visite")] == [{"quartier": "zone"}]
    assert list(collected.frame("visite")["zone"].astype(str)) == ["nord", "sud"]


def test_plan_save__no_responses__saved_in_place(store: Store, folder: Path) -> None:
    draft = open_draft(folder / "visite.yaml")
    draft.set_label("quartier", "Secteur")
    plan = plan_save(draft, folder, store=store, shipped={})
    assert (plan.version, plan.new_version, plan.responses, plan.changes) == ("1.0", False, 0, ())
    save_version(draft, plan, store=store)
    assert load(folder / "visite.yaml").question("quartier").label.get("fr") == "Secteur"
    assert not (folder / "_versions").exists()


def test_plan_save__shipped_instrument_edited__new_version_even_without_responses(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copyfile(SURVEYS / "barometre_ambiance.yaml", folder / "barometre_ambiance.yaml")
    draft = open_draft(folder / "barometre_ambiance.yaml")
    draft.set_label("sexe", "Genre")
    plan = plan_save(draft, folder)
    assert (plan.version, plan.new_version) == ("1.1", True)
    save_version(draft, plan)
    assert (folder / "_versions" / "barometre_ambiance-1.0.yaml").read_bytes() == (
        SURVEYS / "barometre_ambiance.yaml"
    ).read_bytes()


def test_plan_save__new_instrument_with_a_taken_id__refused(folder: Path) -> None:
    from toolkit.builder import new_draft

    with pytest.raises(BuilderError) as error:
        plan_save(new_draft("visite", "Autre visite"), folder, shipped={})
    assert error.value.codes == ["B026"]


def test_compose__two_steps__one_step() -> None:
    first = Step("1", "2", {"a": "b", "x": ""}, {"b": {"1": "2"}})
    second = Step("2", "3", {"b": "c", "d": "e"}, {"c": {"2": "3", "5": "6"}})
    composed = compose(first, second, names_before={"a", "x", "d"})
    assert composed.questions == {"a": "c", "x": "", "d": "e"}
    assert composed.codes == {"c": {"1": "3", "5": "6"}}


def test_align__chain_of_steps__names_codes_repeats_and_drops() -> None:
    path = chain(
        [
            Step("1", "2", {"a": "b"}, {"b": {"x": "y"}}),
            Step("2", "3", {"c": ""}, {"m": {"1": "2"}}),
        ],
        "1",
        "3",
    )
    answers = {"a": "x", "c": "t", "m": ["1", "3"], "r": [{"a": "x"}], "b": "old meaning"}
    assert align(answers, path) == {"b": "y", "m": ["2", "3"], "r": [{"b": "y"}]}
    assert chain([Step("1", "2")], "2", "1") == []


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.0", "1.1"),
        ("1", "2"),
        ("2.9", "2.10"),
        ("2026-printemps", "2026-printemps.1"),
        ("v3", "v3.1"),
    ],
)
def test_next_version__shapes__next_one(version: str, expected: str) -> None:
    assert next_version(version) == expected
    assert next_version(version, {expected}) != expected
