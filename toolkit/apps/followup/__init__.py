"""The « Suivi » app: the day's follow-up work, the coordinator's digest, the indicators."""

from toolkit.apps.followup.app import (
    VIEWS,
    FollowupApp,
    default_period,
    followup_app,
    params_from_query,
)

__all__ = ["VIEWS", "FollowupApp", "default_period", "followup_app", "params_from_query"]
