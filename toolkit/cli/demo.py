"""``toolkit demo``: fill the database with seeded demo data for the built-in instruments."""

from __future__ import annotations

import argparse

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help=t("cli.demo.help"), description=t("cli.demo.description")
    )
    add_db_argument(parser)
    parser.add_argument("--if-empty", action="store_true", help=t("cli.demo.if_empty"))
    parser.add_argument("--seed", type=int, default=None, help=t("cli.demo.seed"))
    parser.add_argument(
        "--per-wave", type=int, default=400, metavar="N", help=t("cli.demo.per_wave")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from toolkit.demo import DEFAULT_SEED, ensure_demo, fill_demo
    from toolkit.demo.followup import FOLLOWED, fill_followup_demo
    from toolkit.store import connect, create_key

    # The demo answers include personal ones (pii): their key is made beside the data, once.
    key_path, created = create_key()
    if created:
        print(t("cli.privacy.key_created", path=str(key_path)))
    store = connect(args.db, key_file=key_path)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    fill = ensure_demo if args.if_empty else fill_demo
    added = fill(store, seed=seed, per_wave=args.per_wave, skip=FOLLOWED)
    if not added:
        print(t("cli.demo.already", url=store.engine.url.render_as_string(hide_password=True)))
        return 0
    followup = fill_followup_demo(store, seed=seed)
    added.update({k: v for k, v in followup.items() if k in FOLLOWED})
    for instrument_id, count in added.items():
        print(t("cli.demo.added", count=count, instrument=instrument_id))
    from toolkit.demo.qual import fill_qual_demo

    qual = fill_qual_demo(store, seed=seed)
    if qual:
        print(t("cli.demo.qual", **qual))
    print(t("followup.demo.added", items=followup["items"], steps=followup["steps"]))
    print(t("cli.demo.where", url=store.engine.url.render_as_string(hide_password=True)))
    return 0
