"""Accounts in the store, on SQLite and PostgreSQL: creation, passwords, roles, events."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from toolkit.team import AccountError, Accounts
from toolkit.team.tables import accounts as accounts_t

PASSWORD = "une phrase de passe assez longue"


@pytest.fixture
def team(store):
    return Accounts(store.engine)


def test_add__new_name__stored_hashed_never_in_clear(team):
    team.add("Awa.Diallo", PASSWORD, roles=["collector"], by="admin", display_name="Awa D.")
    with team.engine.connect() as conn:
        row = conn.execute(accounts_t.select()).one()
    assert row.name == "awa.diallo"
    assert row.display_name == "Awa D."
    assert PASSWORD not in row.password_hash
    assert row.password_hash.startswith("$argon2id$")


def test_authenticate__right_and_wrong_password__account_or_none(team):
    team.add("awa", PASSWORD, roles=["collector", "trainer"], by="admin")
    assert team.authenticate("AWA ", PASSWORD).roles == ("collector", "trainer")
    assert team.authenticate("awa", PASSWORD + "x") is None
    assert team.authenticate("nobody", PASSWORD) is None
    assert team.authenticate("awa", "x" * 10_000) is None


def test_authenticate__disabled_account__refused_until_enabled(team):
    team.add("awa", PASSWORD, roles=["collector"], by="admin")
    team.set_active("awa", False, by="admin")
    assert team.authenticate("awa", PASSWORD) is None
    assert not team.any_active()
    team.set_active("awa", True, by="admin")
    assert team.authenticate("awa", PASSWORD) is not None


def test_change__password_or_roles__raises_the_generation(team):
    first = team.add("awa", PASSWORD, roles=["collector"], by="admin")
    team.set_password("awa", "une autre phrase assez longue", by="admin")
    team.set_roles("awa", ["coordinator"], by="admin")
    account = team.get("awa")
    assert account.generation == first.generation + 2
    assert account.roles == ("coordinator",)
    assert team.authenticate("awa", PASSWORD) is None
    assert team.authenticate("awa", "une autre phrase assez longue") is not None


def test_authenticate__hash_with_old_parameters__rehashed(team):
    team.add("awa", PASSWORD, roles=["collector"], by="admin")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with team.engine.begin() as conn:
        conn.execute(accounts_t.update().values(password_hash=weak))
    assert team.authenticate("awa", PASSWORD) is not None
    with team.engine.connect() as conn:
        assert conn.execute(accounts_t.select()).one().password_hash != weak


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda a: a.add("a", PASSWORD, roles=["collector"], by="x"), "U001"),
        (lambda a: a.add("awa diallo", PASSWORD, roles=["collector"], by="x"), "U001"),
        (lambda a: a.add("awa\x00", PASSWORD, roles=["collector"], by="x"), "U001"),
        (lambda a: a.add("awa", PASSWORD, roles=["chef"], by="x"), "U002"),
        (lambda a: a.add("awa", PASSWORD, roles=[], by="x"), "U002"),
        (lambda a: a.add("awa", "court", roles=["collector"], by="x"), "U003"),
        (lambda a: a.add("awa", "x" * 257, roles=["collector"], by="x"), "U003"),
        (
            lambda a: a.add("awa", PASSWORD, roles=["collector"], by="x", display_name="é" * 201),
            "U006",
        ),
        (lambda a: a.set_password("personne", PASSWORD, by="x"), "U005"),
        (lambda a: a.set_active("personne", False, by="x"), "U005"),
    ],
)
def test_bad_input__coded_error_and_nothing_stored(team, call, code):
    with pytest.raises(AccountError) as caught:
        call(team)
    assert caught.value.codes == [code]
    assert team.table().empty


def test_add__name_taken__u004(team):
    team.add("awa", PASSWORD, roles=["collector"], by="admin")
    with pytest.raises(AccountError) as caught:
        team.add("AWA", PASSWORD, roles=["trainer"], by="admin")
    assert caught.value.codes == ["U004"]


def test_events__every_change__recorded_with_who_and_cleaned(team):
    team.add("awa", PASSWORD, roles=["collector"], by="admin")
    team.set_roles("awa", ["coordinator"], by="admin")
    team.record("awa", "signed_in", "x\x00y" + "z" * 600, client="203.0.113.7")
    events = team.events()
    assert list(events["action"]) == ["signed_in", "roles_changed", "account_added"]
    assert list(events["by"]) == ["awa", "admin", "admin"]
    assert events["detail"][0].startswith("xyz")
    assert len(events["detail"][0]) == 500
    assert events["client"][0] == "203.0.113.7"
