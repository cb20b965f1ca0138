"""``toolkit serve``: the Voilà configuration and command it builds (served tests: tests/browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.cli.serve import KERNEL_STARTUP_TIMEOUT, PRELOADED, build_command, voila_config

ROOT = Path(__file__).resolve().parents[2]


def test_voila_config__preheats_app_pages_and_culls_idle_kernels() -> None:
    config = voila_config(pool=2, cull=600)
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools["default"]["pool_size"] == 0
    assert {name for name, pool in pools.items() if pool["pool_size"] == 2} == set(PRELOADED)
    assert config["MappingKernelManager"]["cull_idle_timeout"] == 600


def test_voila_config__every_preheated_page_exists() -> None:
    assert all((ROOT / "notebooks" / name).exists() for name in PRELOADED)


def test_voila_config__kernel_start_limit_leaves_room_for_a_workshop_rush() -> None:
    assert (
        voila_config(pool=0, cull=0)["VoilaExecutor"]["startup_timeout"] == KERNEL_STARTUP_TIMEOUT
    )
    assert KERNEL_STARTUP_TIMEOUT >= 120


def test_voila_config__no_pool__no_preheating() -> None:
    assert "VoilaKernelManager" not in voila_config(pool=0, cull=900)


def test_build_command__binds_the_given_address_and_passes_the_token(tmp_path: Path) -> None:
    command = build_command(
        ROOT / "notebooks", host="127.0.0.1", port=8866, token=None, config_dir=tmp_path
    )
    assert "--Voila.ip=127.0.0.1" in command
    assert not any(arg.startswith("--token") for arg in command)
    with_token = build_command(
        ROOT / "notebooks", host="0.0.0.0", port=9000, token="s3cret", config_dir=tmp_path
    )
    assert "--token=s3cret" in with_token
    assert "--VoilaConfiguration.show_tracebacks=False" in with_token


def test_preloaded__no_participant_page__phones_use_the_light_room_page() -> None:
    assert not any("participant" in name for name in PRELOADED)


def test_room_url__the_light_page_under_the_server() -> None:
    from toolkit.cli.serve import room_url

    assert room_url("192.168.1.20", 8866) == "http://192.168.1.20:8866/salle"
    assert room_url("fe80::1", 9000) == "http://[fe80::1]:9000/salle"


def test_lan_address__never_a_loopback_address() -> None:
    from toolkit.cli.serve import lan_address

    found = lan_address()
    assert found is None or not found.startswith("127.")


def test_serve_lan__no_network__clear_error_and_nothing_started(monkeypatch, capsys) -> None:
    import toolkit.cli.serve as serve
    from toolkit.cli import main

    monkeypatch.setattr(serve, "lan_address", lambda: None)
    monkeypatch.setattr(serve.subprocess, "Popen", lambda *a, **k: pytest.fail("nothing may start"))
    assert main(["serve", "--lan"]) == 1
    assert "aucune adresse de réseau local" in capsys.readouterr().err
