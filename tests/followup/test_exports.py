"""What leaves the register: the coordinator's digest (XLSX), the calendar (.ics), the
activity table (XLSX, CSV), and the command line that writes them."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from toolkit.cli import main
from toolkit.followup import FollowupError
from toolkit.followup.activity import write_activity
from toolkit.followup.agenda import Describer, agenda
from toolkit.followup.digest import digest, digest_summary, write_digest_xlsx
from toolkit.followup.ics import ics_calendar
from toolkit.followup.indicators import indicators

TODAY = dt.date(2026, 4, 3)


@pytest.fixture
def filled(sqlite_parents, sqlite_register):
    p = sqlite_parents
    p.intervention("2026-03-02", collector="Amina B.")  # due 1 April: overdue on 3 April
    p.intervention("2026-03-06", collector="Amina B.", conflict="CF-REGR")  # due 7 April: this week
    p.referral("2026-03-20", collector="Yanis K.", team="Équipe Centre")  # due 3 April: today
    p.walk("2026-03-02", [("T-ECL", "voirie")], sector="gare")
    p.meeting("2026-03-25", [{"proposition": '=HYPERLINK("http://x")', "theme": "cadre_vie"}])
    sqlite_register.sync()
    technical = sqlite_register.items(kind="technical")[0]
    sqlite_register.assign(
        technical.item_id, collector=None, by="Nadia F.", expected_version=technical.version
    )
    return sqlite_register


def test_digest__per_mediator__overdue_first_and_unassigned_named(filled):
    frame = digest(filled, today=TODAY, lang="fr")
    assert set(frame["mediator"]) == {"Amina B.", "Yanis K.", "Non attribué"}
    amina = frame[frame["mediator"] == "Amina B."]
    assert amina["bucket"].tolist() == ["overdue", "week", "week"]
    # Agreements due 1 April and 7 April (5 April is Easter Sunday, the 6th Easter Monday),
    # the proposal 9 April.
    assert amina["days_late"].tolist() == [2, -4, -6]
    summary = digest_summary(frame).set_index("mediator")
    assert summary.loc["Amina B.", ["overdue", "today", "week", "total"]].tolist() == [1, 0, 2, 3]
    assert summary.loc["Yanis K.", "today"] == 1


def test_write_digest_xlsx__sheets_dates_and_formula_text(filled, tmp_path):
    path = write_digest_xlsx(digest(filled, today=TODAY, lang="fr"), tmp_path / "d.xlsx", lang="fr")
    book = load_workbook(path)
    assert book.sheetnames == ["Synthèse", "Amina B.", "Non attribué", "Yanis K."]
    sheet = book["Amina B."]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Où en est-on", "Échéance", "Jours de retard", "À faire"]
    assert sheet["B2"].value == dt.datetime(2026, 4, 1)
    assert sheet["C2"].value == 2
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cells
    assert all(c.data_type == "s" for c in cells)


def _calendar(register, **filters):
    items = register.items(open_only=True, **filters)
    frame = agenda(
        items,
        Describer(register.store),
        today=TODAY,
        buckets=("overdue", "today", "week", "later"),
        lang="fr",
    )
    raw = ics_calendar(frame, now=dt.datetime(2026, 4, 3, 8, tzinfo=dt.UTC), lang="fr")
    return frame, Calendar.from_ical(raw), raw


def test_ics__one_all_day_event_per_open_item_with_a_nine_oclock_reminder(filled):
    frame, calendar, raw = _calendar(filled, collector="Amina B.")
    events = calendar.walk("VEVENT")
    assert len(events) == len(frame) == 3
    first = events[0]
    assert first.decoded("dtstart") == dt.date(2026, 4, 1)
    assert first.decoded("dtend") == dt.date(2026, 4, 2)
    assert str(first["uid"]) == f"{frame['item_id'].iloc[0]}@mediation-toolkit"
    assert int(first["sequence"]) == 1
    assert str(first["summary"]) == "Vérifier l'accord (30 jours) — Nuisances sonores"
    alarm = first.walk("VALARM")[0]
    assert alarm.decoded("trigger") == dt.timedelta(hours=9)
    assert b"Pas de musique" not in raw  # the agreement's own words never leave the register


def test_ics__due_on_daylight_saving_days__stays_on_that_date():
    import pandas as pd

    rows = pd.DataFrame(
        [
            {
                "item_id": "a",
                "version": 2,
                "due_date": dt.date(2026, 3, 29),
                "task_label": "x",
                "category_label": "",
                "kind_label": "Accord",
                "state_label": "",
                "sector_label": "",
            },
            {
                "item_id": "b",
                "version": 1,
                "due_date": dt.date(2026, 10, 25),
                "task_label": "y",
                "category_label": "",
                "kind_label": "Accord",
                "state_label": "",
                "sector_label": "",
            },
        ]
    )
    raw = ics_calendar(rows, now=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    assert b"DTSTART;VALUE=DATE:20260329" in raw
    assert b"DTSTART;VALUE=DATE:20261025" in raw
    assert b"TRIGGER:PT9H" in raw


def test_write_activity__xlsx_and_csv__labels_and_suppression(filled, tmp_path):
    table = indicators(filled.store, start="2026-03-01", end="2026-03-31")
    book = load_workbook(write_activity(table, tmp_path / "a.xlsx", lang="fr"))
    assert book.sheetnames == ["Indicateurs d'activité", "Définitions"]
    rows = list(book["Indicateurs d'activité"].iter_rows(values_only=True))
    shown = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert "masqué (secret statistique)" in {r["Valeur"] for r in shown}
    assert {r["Niveau"] for r in shown} == {"Réalisations", "Résultats", "Impacts"}
    english = indicators(filled.store, start="2026-03-01", end="2026-03-31", lang="en")
    written = write_activity(english, tmp_path / "a.csv", lang="en")
    with written.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][:3] == ["Level", "Social-utility register", "Indicator"]
    assert any(r[2] == "Agreements still kept at 30 days" for r in rows[1:])


def test_write_activity__other_suffix__f010(tmp_path):
    with pytest.raises(FollowupError) as caught:
        write_activity(None, tmp_path / "a.pdf")
    assert caught.value.codes == ["F010"]


def test_cli__digest_ics_indicators_sync__files_written(filled, tmp_path, capsys):
    url = str(filled.store.engine.url)
    assert main(["followup", "sync", "--db", url]) == 0
    assert "suivis en cours" in capsys.readouterr().out
    assert (
        main(
            [
                "followup",
                "digest",
                "--db",
                url,
                "--date",
                "2026-04-03",
                "-o",
                str(tmp_path / "d.xlsx"),
            ]
        )
        == 0
    )
    assert (tmp_path / "d.xlsx").exists()
    assert (
        main(
            [
                "followup",
                "ics",
                "--db",
                url,
                "--collector",
                "Amina B.",
                "-o",
                str(tmp_path / "e.ics"),
            ]
        )
        == 0
    )
    assert Calendar.from_ical((tmp_path / "e.ics").read_bytes()).walk("VEVENT")
    args = [
        "followup",
        "indicators",
        "--db",
        url,
        "--start",
        "2026-03-01",
        "--by",
        "team",
        "-o",
        str(tmp_path / "i.csv"),
    ]
    assert main(args) == 0
    assert "lignes" in capsys.readouterr().out


def test_cli__bad_date_or_file__clear_error_no_traceback(filled, tmp_path, capsys):
    url = str(filled.store.engine.url)
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "followup",
                "digest",
                "--db",
                url,
                "--date",
                "03/04/2026",
                "-o",
                str(tmp_path / "d.xlsx"),
            ]
        )
    assert exited.value.code == 2
    assert "n'est pas une date" in capsys.readouterr().err
    assert main(["followup", "indicators", "--db", url, "-o", str(tmp_path / "i.pdf")]) == 1
    assert "F010" in capsys.readouterr().err
