"""Report kinds: each module registers one kind (see :mod:`toolkit.report.registry`)."""
