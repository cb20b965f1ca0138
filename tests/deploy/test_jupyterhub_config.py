"""The sample JupyterHub configuration parses, loads and maps groups to the toolkit's roles.

JupyterHub itself is not installed for the tests; its ``get_config`` is stood in for by
traitlets' ``Config`` (what JupyterHub hands to the file), and the spawner by a small object.
"""

from __future__ import annotations

import ast
from types import SimpleNamespace

from traitlets.config import Config

from tests.conftest import REPO_ROOT
from toolkit.team import current_person
from toolkit.team.roles import ROLES

CONFIG = REPO_ROOT / "deploy" / "jupyterhub_config.py"


def _load() -> tuple[Config, dict]:
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG)}
    code = compile(CONFIG.read_text(encoding="utf-8"), str(CONFIG), "exec")
    exec(code, namespace)
    return config, namespace


def test_jupyterhub_config__parses_as_python():
    ast.parse(CONFIG.read_text(encoding="utf-8"))


def test_jupyterhub_config__serves_the_apps_on_the_shared_database():
    config, _ = _load()
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert config.Spawner.default_url == "/voila/render/index.ipynb"
    env = config.Spawner.environment
    assert env["TOOLKIT_TEAM"] == "1"
    assert env["TOOLKIT_DATABASE_URL"].startswith("postgresql://")
    assert set(config.Authenticator.allowed_groups) == set(config.JupyterHub.load_groups)


def test_jupyterhub_config__groups__give_known_roles_to_the_kernels():
    config, namespace = _load()
    assert set(namespace["GROUP_ROLES"].values()) == set(ROLES)
    spawner = SimpleNamespace(
        environment={},
        user=SimpleNamespace(
            groups=[SimpleNamespace(name="coordination"), SimpleNamespace(name="formation"),
                    SimpleNamespace(name="other")]
        ),
    )  # fmt: skip
    config.Spawner.pre_spawn_hook(spawner)
    assert spawner.environment["TOOLKIT_ROLES"] == "coordinator,trainer"
    kernel_env = {
        **config.Spawner.environment,
        **spawner.environment,
        "JUPYTERHUB_USER": "chloe.martin",
    }
    person = current_person(kernel_env)
    assert person.name == "chloe.martin"
    assert person.may("void")
    assert person.may("train")
    assert not current_person({**kernel_env, "JUPYTERHUB_USER": ""}).may("collect")
