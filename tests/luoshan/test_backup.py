"""Backups: `manage.py backup` and `manage.py restore`, on the suite's database engine.

A restore into an empty database and an empty media folder brings back every
report, event, activity and photo row and every photo file byte for byte; a
damaged backup (a file changed, missing or extra) or a database that is not
empty is refused, with nothing touched.

The data must be committed for pg_dump to see it, hence transactional tests. The
restore runs in a second process, as an administrator runs it, with DATABASE_URL
and DJANGO_MEDIA_ROOT pointing at the empty targets.
"""

import io
import json
import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from luoshan import backup
from reporting.models import ActivityPhoto, MonthlyReport, ReportEvent
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db(transaction=True)

RESTORED_MODELS = (
    "reporting.MonthlyReport",
    "reporting.ReportEvent",
    "reporting.Activity",
    "reporting.ActivityPhoto",
)


@pytest.fixture
def reports(april, plan, places, people):
    """April submitted, returned and resubmitted with three activities and four photos;
    Bob's May a draft with one photo."""
    add_activity(april, people["alice"], photos=2)
    april.submit(people["alice"], truth_confirmed=True)
    april.return_(people["office"], "照片不清楚，请补充")
    add_activity(april, people["alice"], photos=1)
    april.submit(people["alice"], truth_confirmed=True)
    may = MonthlyReport.start(places["b"].pk, plan, 5, by=people["bob"])
    add_activity(may, people["bob"])
    return [april, may]


def media():
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def files_under(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def manage(*arguments, database_url, media_root):
    """Run manage.py in a new process against another database and media folder."""
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": media_root}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def empty_database(tmp_path):
    """The URL of a new, empty database of the suite's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    database = connection.settings_dict
    name = f"luoshan_restore_{uuid.uuid4().hex[:12]}"
    server = {
        "dbname": "postgres",
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"],
        "password": database["PASSWORD"],
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield (
            f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'], safe='')}"
            f"@{database['HOST']}:{database['PORT']}/{name}"
        )
    finally:
        drop = sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
        with psycopg.connect(**server) as admin:
            # Autovacuum, a superuser's process, may be analysing the restored tables: our
            # role may not stop it (FORCE), but it ends by itself within moments.
            for attempt in range(20):
                try:
                    admin.execute(drop)
                    break
                except psycopg.errors.InsufficientPrivilege:
                    if attempt == 19:
                        raise
                    time.sleep(0.5)


def rows(*models):
    out = io.StringIO()
    call_command("dumpdata", *models, format="json", indent=1, stdout=out)
    return json.loads(out.getvalue())


def test_a_restore_brings_back_every_row_and_photo_byte_for_byte(reports, tmp_path):
    folder = tmp_path / "backup"
    call_command("backup", output=str(folder), stdout=io.StringIO())

    restored_media = tmp_path / "restored-media"
    with empty_database(tmp_path) as database_url:
        restored = manage(
            "restore", str(folder), database_url=database_url, media_root=restored_media
        )
        assert restored.returncode == 0, restored.stderr
        assert "2 份月报、4 项活动、5 张照片" in restored.stdout
        dumped = manage(
            "dumpdata", *RESTORED_MODELS, database_url=database_url, media_root=restored_media
        )
        assert dumped.returncode == 0, dumped.stderr

    expected = rows(*RESTORED_MODELS)
    assert json.loads(dumped.stdout) == expected
    assert {row["model"] for row in expected} == {m.lower() for m in RESTORED_MODELS}
    assert ReportEvent.objects.count() == 5  # started ×2, submitted, returned, resubmitted
    assert files_under(restored_media) == files_under(media())
    for photo in ActivityPhoto.objects.all():
        for field in (photo.original, photo.display, photo.thumbnail):
            assert (restored_media / field.name).read_bytes() == field.read()


def test_the_manifest_lists_every_file_with_its_checksum_engine_and_migrations(reports, tmp_path):
    folder = tmp_path / "backup"
    manifest = backup.create(folder)

    assert manifest == json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["engine"] == connection.vendor
    assert manifest["created_at"].endswith("+08:00")
    assert manifest["migrations"]["reporting"].startswith("00")
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files_under(folder)) - {"manifest.json"}
    assert len([path for path in listed if path.startswith("media/")]) == 5 * 3
    for path, entry in listed.items():
        assert entry["size"] == (folder / path).stat().st_size
        assert entry["sha256"] == backup._sha256(folder / path)


def test_a_backup_goes_only_into_a_new_or_empty_folder(reports, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "earlier.txt").write_text("an earlier backup")

    with pytest.raises(CommandError, match="不是空文件夹"):
        call_command("backup", output=str(folder))
    assert [path.name for path in folder.iterdir()] == ["earlier.txt"]


def damage_changed(folder):
    photo = next((folder / "media").rglob("original.jpg"))
    data = bytearray(photo.read_bytes())
    data[len(data) // 2] ^= 0xFF
    photo.write_bytes(bytes(data))
    return "已被改动", photo


def damage_missing(folder):
    photo = next((folder / "media").rglob("thumbnail.jpg"))
    photo.unlink()
    return "缺少文件", photo


def damage_extra(folder):
    extra = folder / "media" / "photos" / "added.jpg"
    extra.write_bytes(b"not part of the backup")
    return "清单中没有", extra


def damage_database(folder):
    database = folder / json.loads((folder / "manifest.json").read_text("utf-8"))["database"]
    with open(database, "ab") as out:
        out.write(b"\0")
    return "已被改动", database


@pytest.mark.parametrize(
    "damage",
    [damage_changed, damage_missing, damage_extra, damage_database],
    ids=lambda damage: damage.__name__,
)
def test_a_damaged_backup_is_refused_and_nothing_is_touched(reports, tmp_path, damage):
    folder = tmp_path / "backup"
    backup.create(folder)
    problem, path = damage(folder)
    media_before = files_under(media())
    rows_before = rows(*RESTORED_MODELS)

    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(folder))

    assert "已损坏" in str(refusal.value)
    assert f"{problem}" in str(refusal.value)
    assert path.relative_to(folder).as_posix() in str(refusal.value)
    assert rows(*RESTORED_MODELS) == rows_before
    assert files_under(media()) == media_before


def test_a_restore_into_a_database_with_tables_is_refused(reports, tmp_path, settings):
    folder = tmp_path / "backup"
    backup.create(folder)
    empty_media = tmp_path / "restored-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": empty_media}},
    }
    before = rows(*RESTORED_MODELS)

    with pytest.raises(CommandError, match="不是空的.*createdb"):
        call_command("restore", str(folder))
    assert rows(*RESTORED_MODELS) == before
    assert not empty_media.exists()


def test_a_restore_refuses_to_overwrite_a_different_media_file(reports, tmp_path):
    folder = tmp_path / "backup"
    backup.create(folder)
    restored_media = tmp_path / "restored-media"
    first = next((folder / "media").rglob("display.jpg")).relative_to(folder / "media")
    (restored_media / first).parent.mkdir(parents=True)
    (restored_media / first).write_bytes(b"someone else's file")

    with empty_database(tmp_path) as database_url:
        refused = manage(
            "restore", str(folder), database_url=database_url, media_root=restored_media
        )
        tables = manage("inspectdb", database_url=database_url, media_root=restored_media)

    assert refused.returncode != 0
    assert str(restored_media / first) in refused.stderr
    assert "class " not in tables.stdout
    assert files_under(restored_media) == {first.as_posix(): b"someone else's file"}


POSTGRES = SimpleNamespace(
    settings_dict={
        "NAME": "luoshan",
        "USER": "luoshan",
        "PASSWORD": "s3cret-pass",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    }
)


def test_pg_dump_gets_the_password_in_its_environment_never_on_its_command_line(monkeypatch):
    ran = {}

    def run(command, env, **kwargs):
        ran.update(command=command, env=env)
        return SimpleNamespace(returncode=0, stderr="")

    monkeypatch.setattr(backup.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(backup.subprocess, "run", run)
    backup._run_postgres_tool(POSTGRES, "pg_dump", ["--format=custom"])

    assert ran["command"] == [
        "/usr/bin/pg_dump",
        "--dbname=luoshan",
        "--host=db.internal",
        "--port=5432",
        "--username=luoshan",
        "--format=custom",
    ]
    assert not any("s3cret-pass" in argument for argument in ran["command"])
    assert ran["env"]["PGPASSWORD"] == "s3cret-pass"
    assert ran["env"]["PGSSLMODE"] == "require"


def test_without_pg_dump_the_backup_says_what_to_install(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda tool: None)

    with pytest.raises(backup.BackupError, match="未安装 pg_dump.*postgresql-client"):
        backup._run_postgres_tool(POSTGRES, "pg_dump", ["--format=custom"])
