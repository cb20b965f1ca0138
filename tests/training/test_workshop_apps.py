"""The workshop apps driven from Python: one trainer, three participants, one database."""

from __future__ import annotations

import html

import pytest

from tests.training.conftest import MODULES_DIR
from toolkit.apps.workshop import ParticipantApp, ParticipantState, TrainerApp, TrainerState
from toolkit.apps.workshop.common import Poller
from toolkit.apps.workshop.views import (
    BranchingView,
    QuizView,
    RewritingView,
    RolePlayView,
    SatisfactionView,
    ScaleView,
)
from toolkit.i18n import t


@pytest.fixture
def room(training_store, module_file):
    engine = training_store.engine
    trainer = TrainerApp(engine, modules=[module_file()], poll=False)
    trainer.open_button.click()
    people = []
    for name in ("Awa", "Bruno", "<b>Chloé</b>"):
        app = ParticipantApp(engine, code=trainer.session_code, poll=False)
        app.pseudonym.value = name
        app.join_button.click()
        people.append(app)
    trainer.refresh()
    return trainer, people


def launch(trainer, people, exercise, phase=None):
    trainer.exercise.value = exercise
    trainer.phase.value = phase
    trainer.launch_button.click()
    for app in people:
        app.refresh()


def test_trainer__lists_participants_escaped(room):
    trainer, people = room
    assert trainer.state is TrainerState.OPEN
    assert "Participants : 3" in trainer.participants_html.value
    assert "&lt;b&gt;Chloé&lt;/b&gt;" in trainer.participants_html.value
    assert "<b>Chloé" not in trainer.participants_html.value
    assert all(app.state is ParticipantState.WAITING for app in people)


def test_trainer__launch_without_choosing__launches_first_exercise(room):
    trainer, people = room
    trainer.launch_button.click()
    people[0].refresh()
    assert isinstance(people[0].view, QuizView)
    assert trainer.status.value == ""


def test_participant__wrong_code__shows_coded_error(training_store):
    app = ParticipantApp(training_store.engine, code="AAAAAA", poll=False)
    app.pseudonym.value = "Awa"
    app.join_button.click()
    assert "T101" in app.status.value
    assert app.state is ParticipantState.JOINING


def test_quiz__answers_feed_hidden_then_revealed_chart(room):
    trainer, people = room
    launch(trainer, people, "quiz1")
    views = [app.view for app in people]
    assert all(isinstance(v, QuizView) for v in views)
    for view, pick in zip(views, ["a", "a", "b"], strict=True):
        view.selectors["q1"].value = pick
        view.buttons["q1"].click()
    assert "Bonne réponse" in views[0].feedbacks["q1"].value
    assert "bien" in views[0].feedbacks["q1"].value
    trainer.refresh()
    assert t("workshop.trainer.answers", "fr", n=3) in trainer.run_html.value
    assert "wk-hidden" in trainer.chart.value
    trainer.reveal_button.click()
    assert "data-option='a' data-value='2'" in trainer.chart.value
    assert "data-option='b' data-value='1'" in trainer.chart.value
    trainer.reset_button.click()
    assert html.escape(t("workshop.trainer.answers", "fr", n=0)) in trainer.run_html.value
    for app in people:
        app.refresh()
    assert people[0].view is not views[0]


def test_branching__play_to_ending_updates_endings_chart(room):
    trainer, people = room
    launch(trainer, people, "scen")
    view = people[0].view
    assert isinstance(view, BranchingView)
    view.choice_buttons[0].click()
    assert "Il sourit" in view.consequence.value
    view.choice_buttons[1].click()
    assert "Score : 2 / 2" in view.scene.value
    people[1].view.choice_buttons[1].click()
    trainer.reveal_button.click()
    assert "data-option='fin_bien' data-value='1'" in trainer.chart.value
    assert "data-option='fin_mal' data-value='1'" in trainer.chart.value
    view.choice_buttons[0].click()  # "Rejouer"
    assert "Début" in view.scene.value


def test_pre_test__no_correction_shown(room):
    trainer, people = room
    launch(trainer, people, "assessment", phase="pre")
    view = people[0].view
    view.selectors["t1"].value = "b"
    view.buttons["t1"].click()
    assert "Bonne" not in view.feedbacks["t1"].value
    assert "enregistrées" in view.feedbacks["t1"].value


def test_rewriting__moderated_text_escaped_and_anonymous(room):
    trainer, people = room
    launch(trainer, people, "desc")
    view = people[2].view
    assert isinstance(view, RewritingView)
    view.texts["p1"].value = "Quand <img src=x onerror=alert(1)> arrive"
    view.checks["p1"][0].value = True
    view.buttons["p1"].click()
    assert "Quand…" in view.models["p1"].value
    trainer.refresh()
    row = trainer.moderation.children[1]
    assert "&lt;img" in row.children[0].value
    assert "Chloé" not in row.children[0].value
    row.children[1].click()  # show
    assert "&lt;img src=x" in trainer.shown_texts.value
    assert "<img" not in trainer.shown_texts.value


def test_role_play__observer_grid_and_printable_briefs(room):
    trainer, people = room
    launch(trainer, people, "jeu")
    assert "download=" in trainer.extras.value
    view = people[0].view
    assert isinstance(view, RolePlayView)
    view.role.value = "party_a"
    assert "Brief A &lt;b&gt;" in view.brief.value
    assert view.grid_box.layout.display == "none"
    view.role.value = "observer"
    assert view.grid_box.layout.display == "flex"
    view.grid[0].value = True
    view.button.click()
    trainer.reveal_button.click()
    assert "data-option='reformule' data-value='1'" in trainer.chart.value


def test_scale__profile_shown_and_mean_charted(room):
    trainer, people = room
    launch(trainer, people, "echelle", phase="pre")
    view = people[0].view
    assert isinstance(view, ScaleView)
    view.items["i1"].value = 4
    view.items["i2"].value = 4
    view.button.click()
    assert "2.5" in view.profile.value
    trainer.reveal_button.click()
    assert "data-value='2.5'" in trainer.chart.value


def test_satisfaction_and_export(room, tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_EXPORT_DIR", str(tmp_path / "exports"))
    trainer, people = room
    launch(trainer, people, "satisfaction")
    view = people[0].view
    assert isinstance(view, SatisfactionView)
    for toggle in view.items.values():
        toggle.value = 5
    view.button.click()
    trainer.reveal_button.click()
    assert "data-value='5.0'" in trainer.chart.value
    trainer.export_button.click()
    written = sorted(p.name for p in (tmp_path / "exports" / trainer.session_code).iterdir())
    assert written == ["objectives.csv", "prepost.csv", "satisfaction.csv"]


def test_close__participants_see_the_end(room):
    trainer, people = room
    trainer.close_button.click()
    people[0].refresh()
    assert people[0].state is ParticipantState.CLOSED
    assert trainer.state is TrainerState.CLOSED


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
