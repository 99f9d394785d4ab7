"""Backups: a consistent copy of the database and the photos, and the way back.

A backup is one folder:

- the database: `database.sqlite3` (SQLite, copied with SQLite's online backup
  API, so the copy is consistent while the portal writes) or `database.dump`
  (PostgreSQL, `pg_dump --format=custom`, one snapshot);
- `media/`: every file of the default storage (the photos: originals, display
  copies, thumbnails);
- `manifest.json`: every other file with its size and SHA-256, the database
  engine, the latest migration applied per app and when the backup was made.

The database is copied before the photos. A photo's files are written before its
row is saved and an activity's photo files are never deleted, so every file the
copied rows name is in the copy. The manifest is written last: a folder without
one is a backup that did not finish.

`restore` checks everything before it touches anything: every checksum, nothing
missing or extra, the same engine, migrations this code knows, an empty target
database and no different file in the way. Only then does it write.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.models import Activity, ActivityPhoto, MonthlyReport
from reporting.periods import local

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or a restore refused, with a message for the person at the console."""


@dataclass(frozen=True)
class Restored:
    created_at: str
    reports: int
    activities: int
    photos: int
    files_copied: int
    files_present: int
    migrations_pending: int


def media_root():
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


# --- Backing up --------------------------------------------------------------------------


def create(folder, using=DEFAULT_DB_ALIAS):
    """Write a backup of the database `using` and of the media files into `folder`
    (created; refused unless new or empty). Return the manifest."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(
            _("%(folder)s is not an empty folder: a backup goes into a new or empty one.")
            % {"folder": folder}
        )
    connection = connections[using]
    engine = _engine(connection)
    # The copy holds personal data and password hashes: readable by its owner only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    migrations = applied_migrations(connection)
    database = folder / DATABASE_FILES[engine]
    if engine == "sqlite":
        _sqlite_backup(connection, database)
    else:
        _pg_dump(connection, database)
    files = [_entry(folder, database, _sha256(database))]
    files += _copy_media(media_root(), folder)
    manifest = {
        "format": FORMAT,
        "created_at": local(timezone.now()).isoformat(timespec="seconds"),
        "engine": engine,
        "database": DATABASE_FILES[engine],
        "migrations": migrations,
        "files": files,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def applied_migrations(connection):
    """The latest migration applied per app, as {app: name}."""
    latest = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(name, latest.get(app, name))
    return dict(sorted(latest.items()))


def _engine(connection):
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _sqlite_backup(connection, target):
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: SQLite copies every page under one read lock, a consistent snapshot.
        connection.connection.backup(copy)
    finally:
        copy.close()


def _pg_dump(connection, target):
    _run_postgres_tool(
        connection, "pg_dump", ["--format=custom", "--no-password", f"--file={target}"]
    )


def _copy_media(root, folder):
    """Copy every regular file under `root` into `folder`/media; return their entries."""
    entries = []
    if not root.is_dir():
        return entries
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            source = Path(directory, name)
            if source.is_symlink() or not source.is_file():
                continue
            target = folder / MEDIA / source.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                digest = _copy(source, target)
            except FileNotFoundError:
                continue  # deleted while we walked (an expired upload): nothing names it
            entries.append(_entry(folder, target, digest))
    return entries


def _entry(folder, path, digest):
    return {
        "path": path.relative_to(folder).as_posix(),
        "size": path.stat().st_size,
        "sha256": digest,
    }


def _copy(source, target):
    """Copy `source` to the new file `target`, returning the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
            writer.write(chunk)
    shutil.copystat(source, target)
    return digest.hexdigest()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as reader:
        while chunk := reader.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- Checking ----------------------------------------------------------------------------


def verify(folder):
    """Return the manifest of the backup in `folder` if every file is there, unchanged,
    and nothing else is; otherwise raise BackupError naming each problem."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    problems = []
    listed = set()
    for entry in manifest["files"]:
        listed.add(entry["path"])
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(_("missing: %(path)s") % {"path": entry["path"]})
        elif path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            problems.append(_("changed (checksum differs): %(path)s") % {"path": entry["path"]})
    for path in sorted(_files_under(folder) - listed - {MANIFEST}):
        problems.append(_("not in the manifest: %(path)s") % {"path": path})
    if problems:
        raise BackupError(
            _("The backup in %(folder)s is damaged; nothing was restored:") % {"folder": folder}
            + "\n"
            + "\n".join(f"  {problem}" for problem in problems)
        )
    return manifest


def _read_manifest(folder):
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            _("%(folder)s has no manifest.json: it is not a backup, or one that did not finish.")
            % {"folder": folder}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        valid = (
            manifest["format"] == FORMAT
            and manifest["engine"] in DATABASE_FILES
            and manifest["database"] == DATABASE_FILES[manifest["engine"]]
            and isinstance(manifest["migrations"], dict)
            and all(_safe_path(entry["path"]) for entry in manifest["files"])
            and manifest["database"] in {entry["path"] for entry in manifest["files"]}
        )
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise BackupError(
            _("%(path)s is not a manifest this portal wrote; nothing was restored.")
            % {"path": path}
        )
    return manifest


def _safe_path(path):
    """A path inside the backup: relative, no "..", and the database or under media/."""
    parts = PurePosixPath(path).parts
    return (
        isinstance(path, str)
        and not PurePosixPath(path).is_absolute()
        and ".." not in parts
        and (path in DATABASE_FILES.values() or (len(parts) > 1 and parts[0] == MEDIA))
    )


def _files_under(folder):
    return {
        Path(directory, name).relative_to(folder).as_posix()
        for directory, _subdirectories, names in os.walk(folder)
        for name in names
    }


# --- Restoring ---------------------------------------------------------------------------


def restore(folder, using=DEFAULT_DB_ALIAS):
    """Bring the backup in `folder` back into the empty database `using` and the media
    folder. Every check comes first; a refusal leaves both untouched."""
    folder = Path(folder)
    manifest = verify(folder)
    connection = connections[using]
    engine = _engine(connection)
    if manifest["engine"] != engine:
        raise BackupError(
            _("This backup is of a %(backup)s database; the portal is set to %(target)s.")
            % {"backup": manifest["engine"], "target": engine}
        )
    _refuse_unknown_migrations(manifest["migrations"])
    _refuse_non_empty(connection)
    media = _media_to_restore(folder, manifest["files"])

    database = folder / manifest["database"]
    if engine == "sqlite":
        _sqlite_restore(database, connection)
    else:
        _pg_restore(database, connection)
    for source, target in media:
        target.parent.mkdir(parents=True, exist_ok=True)
        _copy(source, target)

    return Restored(
        created_at=manifest["created_at"],
        reports=MonthlyReport.objects.using(using).count(),
        activities=Activity.objects.using(using).count(),
        photos=ActivityPhoto.objects.using(using).count(),
        files_copied=len(media),
        files_present=sum(1 for e in manifest["files"] if e["path"].startswith(MEDIA + "/"))
        - len(media),
        migrations_pending=len(_pending_migrations(connection)),
    )


def _refuse_unknown_migrations(migrations):
    """A backup made by a newer release cannot be read by this code."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(
        f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer release of the portal (migrations this code "
                "does not have: %(names)s). Restore it with the release that made it."
            )
            % {"names": ", ".join(unknown)}
        )


def _refuse_non_empty(connection):
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)d tables): a backup is restored "
                "only into an empty database, never over data. Create an empty one "
                "(PostgreSQL: createdb --owner=USER NEW_NAME; SQLite: a file that does not "
                "exist yet), point DATABASE_URL at it and run restore again."
            )
            % {"name": connection.settings_dict["NAME"], "count": len(tables)}
        )


def _media_to_restore(folder, files):
    """(source, target) for each media file still to copy; refuse if a different file is
    already where one of them goes."""
    root = media_root()
    to_copy, conflicts = [], []
    for entry in files:
        parts = PurePosixPath(entry["path"]).parts
        if parts[0] != MEDIA:
            continue
        target = root.joinpath(*parts[1:])
        if target.is_symlink() or target.exists():
            if not target.is_file() or _sha256(target) != entry["sha256"]:
                conflicts.append(str(target))
            continue
        to_copy.append((folder / entry["path"], target))
    if conflicts:
        raise BackupError(
            _(
                "A different file is already where the backup would put its own; nothing was "
                "restored. Restore into an empty media folder (DJANGO_MEDIA_ROOT):"
            )
            + "\n"
            + "\n".join(f"  {path}" for path in conflicts)
        )
    return to_copy


def _sqlite_restore(database, connection):
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_restore(database, connection):
    _run_postgres_tool(
        connection,
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            str(database),
        ],
    )


def _pending_migrations(connection):
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


# --- PostgreSQL's tools ------------------------------------------------------------------


def _run_postgres_tool(connection, tool, arguments):
    """Run pg_dump or pg_restore against `connection`'s database. The password goes in
    the environment (PGPASSWORD), never on the command line, where `ps` shows it."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            _(
                "%(tool)s is not installed: install PostgreSQL's client programs "
                "(apt-get install postgresql-client), of the server's major version or newer."
            )
            % {"tool": tool}
        )
    database = connection.settings_dict
    command = [program, f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        command.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        command.append(f"--port={database['PORT']}")
    if database.get("USER"):
        command.append(f"--username={database['USER']}")
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    if database.get("OPTIONS", {}).get("sslmode"):
        environment["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    finished = subprocess.run(  # noqa: S603 (a fixed program, arguments from settings)
        command + arguments, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit code %(code)d):") % {"tool": tool, "code": finished.returncode}
            + "\n"
            + finished.stderr.strip()
        )
