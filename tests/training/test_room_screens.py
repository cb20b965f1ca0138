"""The participant's and projector's screens as HTML: every exercise type, escaping, no ids."""

from __future__ import annotations

import re

import pytest

from tests.helpers import html_msg
from toolkit.apps.room.pages import participant_page, projector_page
from toolkit.apps.room.projector import Projection, projector_html
from toolkit.apps.room.screens import exercise_html, feedback_html, screen, screen_key

EXERCISES = ["assessment", "quiz1", "sjt", "scen", "jeu", "desc", "echelle", "satisfaction"]


@pytest.fixture
def room(training_store, module_file):
    from toolkit.training.sessions import LiveSessions

    live = LiveSessions(training_store.engine)
    text = (
        module_file()
        .read_text(encoding="utf-8")
        .replace('"Une seule"', '"Une <script>alert(1)</script> seule"')
    )
    code = live.open_session(module_file(text))
    return live, code


def _show(live, code, exercise):
    phase = "pre" if exercise == "assessment" else None
    live.launch(code, exercise, phase=phase)
    return live.info(code)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_exercise_html__every_type__a_form_and_no_internal_code(room, exercise):
    live, code = room
    info = _show(live, code, exercise)
    page = exercise_html(info, {}, "fr")
    assert f'data-run="{info.run.id}"' in page
    assert '<form class="rm-item"' in page or "rm-step" in page
    assert not re.search(r"\bT1\d\d\b", _text(page))
    assert "{'" not in page
    assert "<script>" not in page


def test_quiz__prompt_escaped_and_key_not_sent(room):
    live, code = room
    page = exercise_html(_show(live, code, "quiz1"), {}, "fr")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "bien" not in page  # an option's feedback comes only with the answer
    assert "correct" not in page
    assert 'data-kind="multiple"' in page


def test_judgement__responses_by_letter_not_by_id(room):
    live, code = room
    page = exercise_html(_show(live, code, "sjt"), {}, "fr")
    assert re.findall(r'<span class="rm-letter" aria-hidden="true">(\w+)</span>', page) == list(
        "ABCD"
    )
    feedback = feedback_html(live.info(code).exercise, {"pick": {"best": "a", "worst": "d"}}, "fr")
    assert html_msg("room.score", score=2, maximum=2) in feedback
    assert html_msg("room.key", best="A", worst="D") in feedback


def test_branching__graph_and_scores_stay_on_the_server(room):
    live, code = room
    page = exercise_html(_show(live, code, "scen"), {}, "fr")
    assert "Début" in page
    assert "Suite" not in page
    assert "fin_bien" not in page
    assert "Il sourit" not in page


def test_role_play__briefs_escaped_grid_for_the_observer(room):
    live, code = room
    page = exercise_html(_show(live, code, "jeu"), {}, "fr")
    assert "Brief A &lt;b&gt;" in page
    assert 'data-role="observer-grid" hidden' in page
    assert 'data-kind="grid"' in page


def test_rewriting__text_area_with_limit_and_counter(room):
    live, code = room
    page = exercise_html(_show(live, code, "desc"), {}, "fr")
    assert 'maxlength="2000"' in page
    # French thousands: a narrow no-break space (CLDR), a plain one with older Babel data.
    counters = [html_msg("room.counter", n="0", maximum=f"2{space}000") for space in "\u202f "]
    assert any(counter in page for counter in counters)


def test_reloaded_page__earlier_answers_filled_in_with_their_feedback(room):
    live, code = room
    p = live.join(code, "Awa")
    info = _show(live, code, "quiz1")
    live.answer(code, p, info.run.id, "q1", "a")
    mine = live.my_answers(info.run.id, p)
    page = exercise_html(info, mine, "fr")
    assert re.search(r'name="q1" value="a" checked', page)
    assert html_msg("room.correct") in page


def test_pre_test__no_correction_in_the_feedback(room):
    live, code = room
    info = _show(live, code, "assessment")
    feedback = feedback_html(info.exercise, {"t1": "b"}, "fr", feedback=False)
    assert html_msg("room.test_saved") in feedback
    assert "Bonne" not in feedback


def test_screen__waiting_run_closed(room):
    live, code = room
    assert screen(live.info(code), {}, "fr")[0] == "waiting"
    info = _show(live, code, "quiz1")
    assert screen_key(info) == f"run:{info.run.id}"
    live.close_session(code)
    key, page = screen(live.info(code), {}, "en")
    assert key == "closed"
    assert html_msg("room.closed", "en") in page
    assert screen_key(None) == "closed"


def test_participant_page__lang_title_prefilled_code_escaped():
    page = participant_page(base="/salle", code='AB"<x', lang="en")
    assert page.startswith('<!doctype html><html lang="en">')
    assert f"<title>{html_msg('room.title', 'en')}</title>" in page
    assert 'value="AB&quot;&lt;x"' in page
    assert "\\u003c" not in page.split("rm-config")[0]


def test_projector__lobby_exercise_end(room):
    live, code = room
    live.join(code, "<i>Awa</i>")

    def shown():
        info = live.info(code)
        answers = live.answers(info.run.id) if info.run else None
        return projector_html(
            Projection(
                info,
                list(live.participants(code)["pseudonym"]),
                answers,
                info.run is None and live.finished(code),
                "http://192.168.1.20:8866/salle",
            ),
            "fr",
        )

    lobby = shown()
    assert 'data-screen="lobby"' in lobby
    assert f'data-code="{code}"' in lobby
    assert "192.168.1.20:8866/salle" in lobby
    assert "<svg" in lobby
    assert "&lt;i&gt;Awa&lt;/i&gt;" in lobby
    assert html_msg("room.projector.participants", n=1) in lobby
    info = _show(live, code, "quiz1")
    hidden = shown()
    assert 'data-revealed="false"' in hidden
    assert "wk-bar" not in hidden
    live.set_revealed(code, True)
    assert "data-option='a' data-value='0'" in shown()
    assert info.run.exercise_id == "quiz1"
    live.close_session(code)
    assert 'data-screen="end"' in shown()


def test_projector_page__needs_the_xsrf_value_and_names_the_room():
    page = projector_page(base="/salle", code="ABC234", lang="fr", xsrf="x<y")
    assert '<html lang="fr">' in page
    assert "ABC234" in page.split("<title>")[1].split("</title>")[0]
    assert "x\\u003cy" in page


def test_participant_page__inline_style_and_script__allowed_by_their_hashes_only():
    import base64
    import hashlib

    from toolkit.apps.room.pages import participant_csp

    page = participant_page(base="/salle", code="ABC234", lang="fr")
    policy = participant_csp()
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    for text, directive in ((script, "script-src"), (style, "style-src")):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}';" in policy
    assert "'unsafe-inline'" not in policy
    assert "default-src 'none'" in policy
