"""JupyterHub for a larger structure: each person signs in once and gets their own server.

Install on the server, in the toolkit's environment: ``pip install jupyterhub`` (BSD-3),
Debian's ``nodejs`` and ``npm install -g configurable-http-proxy`` (JupyterHub's proxy),
and ``pip install jupyterhub-idle-culler``. Run ``jupyterhub -f /etc/jupyterhub/jupyterhub_config.py``
behind the nginx of ``deploy/nginx-mediation-toolkit.conf`` (``proxy_pass`` to port 8000).

What each person gets: a Jupyter server of their own (their own kernels, so one person's
heavy analysis does not slow the others; a crashed kernel is theirs alone) showing the
toolkit's apps with Voilà at ``/user/NAME/voila/render/index.ipynb``, on the structure's
shared PostgreSQL. The kernels know who they work for (``JUPYTERHUB_USER``) and with which
roles (``TOOLKIT_ROLES``, from the person's JupyterHub groups below), so the collection app
writes their name in the audit and offers correcting and voiding to coordinators only.
Workshops stay on ``toolkit serve --team`` (the room's phone page is part of it).

tests/deploy/test_jupyterhub_config.py loads this file with a stand-in for JupyterHub's
``get_config`` and checks the settings and the group → role mapping.
"""

# ruff: noqa: F821 (get_config is given by JupyterHub when it reads this file)

c = get_config()

# -- Where the hub listens: only nginx reaches it ---------------------------------------------
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"

# -- Who signs in ----------------------------------------------------------------------------
# The system's accounts (PAM) by default; a structure with a directory uses
# ldapauthenticator, or oauthenticator for its single sign-on (both BSD-3).
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set()  # nobody but the groups' members below
c.Authenticator.admin_users = {"admin.toolkit"}

# JupyterHub 4 or later. JupyterHub groups give the toolkit's roles: collecte (fill forms, follow-ups),
# coordination (correct, void, export, analyse), formation (run workshops).
GROUP_ROLES = {"collecte": "collector", "coordination": "coordinator", "formation": "trainer"}
c.JupyterHub.load_groups = {
    "collecte": {"users": ["awa.diallo", "karim.benali"]},
    "coordination": {"users": ["chloe.martin"]},
    "formation": {"users": ["bruno.petit"]},
}
c.Authenticator.allowed_groups = set(GROUP_ROLES)
c.Authenticator.manage_groups = False


def roles_of(group_names):
    """The toolkit's roles for a person's JupyterHub groups, comma-separated."""
    return ",".join(sorted({GROUP_ROLES[g] for g in group_names if g in GROUP_ROLES}))


def pre_spawn_hook(spawner):
    """Tell the person's server (and its kernels) which roles they hold."""
    spawner.environment["TOOLKIT_ROLES"] = roles_of(group.name for group in spawner.user.groups)


c.Spawner.pre_spawn_hook = pre_spawn_hook

# -- Each person's server: the apps, on the shared database ----------------------------------
c.Spawner.notebook_dir = "/opt/mediation-toolkit/notebooks"
c.Spawner.default_url = "/voila/render/index.ipynb"
c.Spawner.environment = {
    "TOOLKIT_TEAM": "1",
    "TOOLKIT_DATABASE_URL": "postgresql://toolkit@127.0.0.1:5432/toolkit",
    "TOOLKIT_SURVEYS": "/opt/mediation-toolkit/surveys",
    "TOOLKIT_EXPORT_DIR": "/srv/mediation-toolkit/exports",
    "TOOLKIT_LANG": "fr",
}
# A Voilà kernel costs about 150 MB; a person rarely has more than three apps open (the limit is
# enforced by spawners that can, such as systemdspawner or dockerspawner).
c.Spawner.mem_limit = "1G"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# -- Idle servers are stopped after an hour (their kernels with them) ----------------------
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
]
