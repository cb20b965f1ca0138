"""Roles, the page each app asks for, and the person a kernel sees."""

from __future__ import annotations

import pytest

from tests.conftest import REPO_ROOT
from toolkit.team import acting_name, allowed, current_person, page_action, parse_role
from toolkit.team.person import refused
from toolkit.team.roles import PAGE_ACTIONS


@pytest.mark.parametrize(
    ("spelling", "role"),
    [("formatrice", "trainer"), (" Coordinateur ", "coordinator"), ("collector", "collector")],
)
def test_parse_role__french_and_english__same_role(spelling, role):
    assert parse_role(spelling) == role


def test_parse_role__unknown__none():
    assert parse_role("administrateur") is None


@pytest.mark.parametrize(
    ("roles", "action", "expected"),
    [
        (("collector",), "collect", True),
        (("collector",), "void", False),
        (("collector",), "train", False),
        (("coordinator",), "void", True),
        (("coordinator",), "train", False),
        (("trainer",), "train", True),
        (("trainer",), "collect", False),
        (("collector", "trainer"), "train", True),
        ((), None, True),
    ],
)
def test_allowed__role_matrix(roles, action, expected):
    assert allowed(roles, action) is expected


def test_page_action__every_notebook_of_the_folder__listed():
    notebooks = {p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb")}
    assert notebooks <= set(PAGE_ACTIONS)


def test_page_action__unknown_page_or_path_trick__coordinators_only():
    assert page_action("nouvelle_app.ipynb") == "analyse"
    assert page_action("sub/../formation_animateur.ipynb") == "train"
    assert page_action("index.ipynb") is None


def test_current_person__not_a_team_server__none():
    assert current_person({"HTTP_X_TOOLKIT_USER": "awa"}) is None
    assert acting_name(" Ali ", {}) == "Ali"


def test_current_person__team_server__name_and_known_roles_only():
    env = {
        "TOOLKIT_TEAM": "1",
        "HTTP_X_TOOLKIT_USER": "awa",
        "HTTP_X_TOOLKIT_ROLES": "collector,admin",
    }
    person = current_person(env)
    assert person.name == "awa"
    assert person.roles == ("collector",)
    assert acting_name("Quelqu'un d'autre", env) == "awa"
    assert not person.may("void")


def test_current_person__team_server_without_name__may_nothing():
    person = current_person({"TOOLKIT_TEAM": "1", "HTTP_X_TOOLKIT_ROLES": "coordinator"})
    assert person.roles == ()
    assert not person.may("collect")


def test_refused__french_sentence_with_the_action_label():
    person = current_person({"TOOLKIT_TEAM": "1", "HTTP_X_TOOLKIT_USER": "awa"})
    assert refused(person, "void", "fr") == (
        "votre compte (awa) ne permet pas cette action (annuler une réponse) : "
        "adressez-vous à la coordination"
    )
