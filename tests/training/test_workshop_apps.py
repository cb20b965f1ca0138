"""The trainer's control panel driven from Python, with participants answering through the
store (their phone page is tested in tests/training/test_room_screens.py and tests/browser)."""

from __future__ import annotations

import html

import pytest

from tests.helpers import html_msg, msg
from tests.training.conftest import MODULES_DIR
from toolkit.apps.workshop import TrainerApp, TrainerState
from toolkit.apps.workshop.common import Poller
from toolkit.apps.workshop.trainer import exercise_label, export_dir
from toolkit.training.loader import load_module

JOIN_URL = "http://192.168.1.20:8866/salle"


@pytest.fixture
def room(training_store, module_file):
    engine = training_store.engine
    trainer = TrainerApp(engine, modules=[module_file()], join_url=JOIN_URL, poll=False)
    trainer.open_button.click()
    code = trainer.session_code
    people = [trainer.sessions.join(code, name) for name in ("Awa", "Bruno", "<b>Chloé</b>")]
    trainer.refresh()
    return trainer, people


def launch(trainer, exercise, phase="none"):
    trainer.exercise.value = exercise
    trainer.phase.value = phase
    trainer.launch_button.click()
    return trainer.sessions.info(trainer.session_code).run


def answer(trainer, person, run, item, value):
    trainer.sessions.answer(trainer.session_code, person, run.id, item, value)
    trainer.refresh()


def test_trainer__lists_participants_escaped_and_pluralised(room):
    trainer, _people = room
    assert trainer.state is TrainerState.OPEN
    assert html_msg("workshop.trainer.participants", n=3) in trainer.participants_html.value
    assert "&lt;b&gt;Chloé&lt;/b&gt;" in trainer.participants_html.value
    assert "<b>Chloé" not in trainer.participants_html.value


def test_trainer__room_block__code_address_qr_and_projector_link(room):
    trainer, _people = room
    block = trainer.room_html.value
    code = trainer.session_code
    assert f"<div class='wk-code'>{code}</div>" in block
    assert "192.168.1.20:8866/salle" in block
    assert "<svg" in block
    assert f"../../salle/{code}/projection" in block
    assert "ipynb" not in block
    assert "wk-warn" not in block


def test_trainer__served_on_loopback__says_phones_cannot_join(training_store, module_file):
    trainer = TrainerApp(
        training_store.engine,
        modules=[module_file()],
        join_url="http://127.0.0.1:8866/salle",
        poll=False,
    )
    trainer.open_button.click()
    assert html_msg("workshop.trainer.local_only") in trainer.room_html.value


def test_trainer__title_once__exercise_names_not_doubled():
    module = load_module(MODULES_DIR / "01_cadre_posture.yaml")
    labels = [exercise_label(i, e, "fr") for i, e in enumerate(module.exercises, start=1)]
    assert labels[0] == "1. Quiz : les principes de la médiation sociale"
    assert not any("Quiz — Quiz" in label or "— Jugement" in label for label in labels)
    assert not any("Scénario à embranchements — Scénario" in label for label in labels)


def test_trainer__buttons_show_their_whole_label(room):
    trainer, _people = room
    for button in (trainer.export_button, trainer.close_button, trainer.next_button):
        assert button.layout.width == "auto"


def test_trainer__launch_without_choosing__launches_first_exercise(room):
    trainer, _people = room
    trainer.launch_button.click()
    assert trainer.sessions.info(trainer.session_code).run.exercise_id == "quiz1"
    assert trainer.status.value == ""


def test_quiz__answers_feed_hidden_then_revealed_chart(room):
    trainer, people = room
    run = launch(trainer, "quiz1")
    for person, pick in zip(people, ["a", "a", "b"], strict=True):
        answer(trainer, person, run, "q1", pick)
    assert html_msg("workshop.trainer.answers", n=3) in trainer.run_html.value
    assert "wk-hidden" in trainer.chart.value
    trainer.reveal_button.click()
    assert "data-option='a' data-value='2'" in trainer.chart.value
    assert "data-option='b' data-value='1'" in trainer.chart.value
    trainer.reset_button.click()
    assert html_msg("workshop.trainer.answers", n=0) in trainer.run_html.value


def test_next_previous__follow_the_agenda_and_keep_answers(room):
    trainer, people = room
    trainer.next_button.click()
    info = trainer.sessions.info(trainer.session_code)
    assert (info.run.exercise_id, info.run.phase) == ("assessment", "pre")
    title = f"{msg('training.type.assessment')} ({msg('training.pre')})"
    assert f"<h3>{html.escape(title)}</h3>" in trainer.run_html.value
    trainer.next_button.click()
    run = trainer.sessions.info(trainer.session_code).run
    answer(trainer, people[0], run, "q1", "a")
    trainer.next_button.click()
    trainer.previous_button.click()
    assert html_msg("workshop.trainer.answers", n=1) in trainer.run_html.value


def test_judgement__chart_labels_by_letter(room):
    trainer, people = room
    run = launch(trainer, "sjt")
    answer(trainer, people[0], run, "pick", {"best": "a", "worst": "d"})
    trainer.reveal_button.click()
    assert "A. A" in trainer.chart.value
    assert "data-option='a' data-value='1'" in trainer.chart.value


def test_rewriting__moderation_names_the_prompt_not_its_id(room):
    trainer, people = room
    run = launch(trainer, "desc")
    answer(
        trainer, people[2], run, "p1", {"text": "Quand <img src=x onerror=alert(1)>", "checked": []}
    )
    row = trainer.moderation.children[1]
    label = row.children[0].value
    assert "« Vous êtes nuls »" in label
    assert "(p1)" not in label
    assert "&lt;img" in label
    assert "Chloé" not in label
    row.children[1].click()  # show
    assert "&lt;img src=x" in trainer.shown_texts.value
    assert "<img" not in trainer.shown_texts.value


def test_role_play__observer_grid_charted_and_printable_briefs(room):
    trainer, people = room
    run = launch(trainer, "jeu")
    assert "download=" in trainer.extras.value
    answer(trainer, people[0], run, "grid", {"checked": ["reformule"], "comment": "Bien"})
    trainer.reveal_button.click()
    assert "data-option='reformule' data-value='1'" in trainer.chart.value
    assert html_msg("workshop.trainer.comment") in trainer.moderation.children[1].children[0].value


def test_scale__mean_charted(room):
    trainer, people = room
    run = launch(trainer, "echelle", phase="pre")
    answer(trainer, people[0], run, "i1", 4)
    answer(trainer, people[0], run, "i2", 4)
    trainer.reveal_button.click()
    assert "data-value='2.5'" in trainer.chart.value


def test_satisfaction_and_export__message_names_the_real_folder(room, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_EXPORT_DIR", str(tmp_path / "exports"))
    trainer, people = room
    run = launch(trainer, "satisfaction")
    for item in ("useful", "clear", "pace", "practice", "recommend"):
        answer(trainer, people[0], run, item, 5)
    trainer.reveal_button.click()
    assert "data-value='5.0'" in trainer.chart.value
    trainer.export_button.click()
    folder = tmp_path / "exports" / trainer.session_code
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["objectives.csv", "prepost.csv", "satisfaction.csv"]
    assert html.escape(str(folder)) in trainer.extras.value


def test_export_dir__default_is_the_projects_data_exports(monkeypatch):
    monkeypatch.delenv("TOOLKIT_EXPORT_DIR", raising=False)
    folder = export_dir()
    assert folder.is_absolute()
    assert folder == (MODULES_DIR.parent / "data" / "exports").resolve()


def test_close__panel_closed_and_controls_hidden(room):
    trainer, _people = room
    trainer.close_button.click()
    assert trainer.state is TrainerState.CLOSED
    assert trainer.controls.layout.display == "none"


def test_trainer__bundled_modules_offered(training_store):
    trainer = TrainerApp(training_store.engine, poll=False)
    assert len(trainer.module.options) == 5
    assert all(str(MODULES_DIR) in value for _, value in trainer.module.options)


def test_poller__calls_back_on_a_thread_and_survives_errors():
    import threading

    calls = []
    done = threading.Event()

    def callback():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        done.set()

    poller = Poller(callback, interval=0.01)
    poller.start()
    assert done.wait(2)
    poller.stop()
    assert len(calls) >= 2
