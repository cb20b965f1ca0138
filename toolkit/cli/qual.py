"""``toolkit qual``: codebooks, transcripts and REFI-QDA projects in and out of the store."""

from __future__ import annotations

import argparse
from pathlib import Path

from toolkit.cli import add_db_argument
from toolkit.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "qual", help=t("cli.qual.help"), description=t("cli.qual.description")
    )
    commands = parser.add_subparsers(dest="qual_command", metavar=t("cli.command_metavar"))
    importing = commands.add_parser(
        "import", help=t("cli.qual.import.help"), description=t("cli.qual.import.help")
    )
    importing.add_argument(
        "files", nargs="+", metavar=t("cli.qual.file_metavar"), help=t("cli.qual.import.files")
    )
    importing.add_argument("--by", metavar=t("cli.qual.name_metavar"), help=t("cli.qual.by"))
    importing.add_argument("--pseudonym", help=t("cli.qual.pseudonym"))
    add_db_argument(importing)
    importing.set_defaults(handler=run_import)
    export = commands.add_parser(
        "export", help=t("cli.qual.export.help"), description=t("cli.qual.export.help")
    )
    export.add_argument(
        "--format", choices=("qdc", "qdpx"), required=True, help=t("cli.qual.export.format")
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar=t("cli.qual.file_metavar"),
        help=t("cli.qual.export.output"),
    )
    add_db_argument(export)
    export.set_defaults(handler=run_export)
    sync = commands.add_parser(
        "sync", help=t("cli.qual.sync.help"), description=t("cli.qual.sync.help")
    )
    add_db_argument(sync)
    sync.set_defaults(handler=run_sync)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)


def _project(args: argparse.Namespace):
    from toolkit.qual import QualProject
    from toolkit.store import connect

    return QualProject(connect(args.db))


def run_import(args: argparse.Namespace) -> int:
    from toolkit.qual import load_codebook
    from toolkit.qual.refi_import import import_refi

    project = _project(args)
    documents = []
    for raw in args.files:
        path = Path(raw)
        suffix = path.suffix.lower()
        if suffix in (".yaml", ".yml"):
            number = project.save_codebook(
                load_codebook(path), by=args.by, note=f"import {path.name}"
            )
            print(t("cli.qual.codebook_saved", path=str(path), number=number))
        elif suffix in (".qdc", ".qdpx"):
            summary = import_refi(project, path, by=args.by)
            print(
                t(
                    "cli.qual.refi_done",
                    path=str(path),
                    codes=summary.codes,
                    sources=summary.sources,
                    merged=summary.sources_merged,
                    codings=summary.codings,
                    coders=summary.coders,
                )
            )
        else:
            documents.append(path)
    if documents:
        report = project.import_documents(documents, pseudonym=args.pseudonym)
        print(t("cli.qual.documents_done", added=len(report.added), skipped=len(report.skipped)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from toolkit.qual.refi import export_codebook, export_project

    project = _project(args)
    if args.format == "qdc":
        path = export_codebook(project.codebook(), args.output)
    else:
        path = export_project(project, args.output)
    print(t("cli.qual.exported", path=str(path)))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    report = _project(args).sync()
    print(
        t(
            "cli.qual.synced",
            added=sum(report.added.values()),
            updated=sum(report.updated.values()),
            removed=sum(report.removed.values()),
        )
    )
    return 0
