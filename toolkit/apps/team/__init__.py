"""The web side of a team server: sign-in, sessions, and which app opens for whom.

Public names: :class:`TeamIdentityProvider` (given to Voilà by ``toolkit serve`` on a team
server) and :class:`GuardedVoilaHandler` (Voilà's page handler with the role check). The
rules themselves live in :mod:`toolkit.team.roles`; this package only applies them.
"""

from toolkit.apps.team.handlers import GuardedVoilaHandler
from toolkit.apps.team.identity import TeamIdentityProvider
from toolkit.apps.team.user import TeamUser

__all__ = ["GuardedVoilaHandler", "TeamIdentityProvider", "TeamUser"]
