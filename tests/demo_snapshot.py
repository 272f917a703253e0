"""The demo county, built once per test run and copied into each test process.

Loading the demo county (`kechuang demo`) costs about 20 CPU seconds. A `make test`
used to load it four times (two xdist workers, two passes). Now one process per pass
builds it into a database of its own, in the background while the workers run the
tests that do not need it, and each worker copies that database when its first demo
test comes:

- SQLite: the build writes a file; a worker copies it into its in-memory test
  database with SQLite's backup API (milliseconds), and copies the freshly migrated
  database back when the demo tests are done;
- PostgreSQL: the build makes a database; a worker clones it (`CREATE DATABASE …
  TEMPLATE`) and points its connection at the clone for the demo tests.

`python -m tests.demo_snapshot DIR` is the build (run by `Snapshot.start`, never by
hand). It writes DIR/result.pickle (the `LoadResult`), or DIR/error.txt.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import sqlite3
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

DIR_ENV = "KECHUANG_DEMO_SNAPSHOT_DIR"
ROOT = Path(__file__).resolve().parents[1]


# The builds this process started: waited for at its end (so their CPU time is
# counted as the run's, and no build outlives the run).
BUILDS: list[subprocess.Popen[bytes]] = []


class Snapshot:
    """One shared build of one test run (one directory), seen from a test process:
    `kind` "demo" (the demo county, `result.pickle`) or "migrated" (the freshly
    migrated database every test process clones instead of migrating its own)."""

    def __init__(self, folder: Path, kind: str = "demo") -> None:
        self.folder = folder
        self.kind = kind
        prefix = "" if kind == "demo" else f"{kind}-"
        self.lock_path = folder / f"{prefix}build.lock"
        self.started = folder / f"{prefix}started"
        self.result_path = folder / f"{prefix}result.pickle"
        self.error_path = folder / f"{prefix}error.txt"
        self.log_path = folder / f"{prefix}build.log"
        self.pg_name_path = folder / f"{prefix}pg_name"

    def start(self) -> None:
        """Start the build unless another process of this run has. Holds the lock for
        as long as the build runs: the build process inherits it."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # being built
            if self.started.exists():
                return  # built (or failed) already
            self.started.write_text(str(os.getpid()))
            env = {**os.environ, "PYTEST_VERSION": os.environ.get("PYTEST_VERSION", "build")}
            command = [sys.executable, "-m", "tests.demo_snapshot", str(self.folder), self.kind]
            with self.log_path.open("wb") as log:
                BUILDS.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        pass_fds=(fd,),
                    )
                )
        finally:
            os.close(fd)  # the build's copy keeps the lock

    def wait(self) -> Any:
        """The `LoadResult`, once the build is done (starting it if nobody has)."""
        self.start()
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # blocks while the build runs
        finally:
            os.close(fd)
        if self.result_path.exists():
            return pickle.loads(self.result_path.read_bytes())
        detail = self.error_path.read_text("utf-8") if self.error_path.exists() else ""
        log = self.log_path.read_text("utf-8", "replace") if self.log_path.exists() else ""
        what = "the demo county" if self.kind == "demo" else "the migrated database"
        raise RuntimeError(f"building {what} failed:\n{detail}\n{log[-4000:]}")

    @property
    def sqlite_path(self) -> Path:
        return self.folder / f"{self.kind}.sqlite3"

    def pg_name(self) -> str:
        return self.pg_name_path.read_text("utf-8").strip()


def pg_template_name(settings_name: str, folder: Path, kind: str = "demo") -> str:
    # One per run (the folder's random suffix), so runs side by side never meet.
    suffix = folder.name.rsplit("-", 1)[-1]
    return f"test_{settings_name}_{kind}_{suffix}".lower()[:63]


def pg_clone(connection: Any, name: str, template: str) -> None:
    """CREATE DATABASE name TEMPLATE template (after dropping `name`), waiting while
    another process clones the same template (PostgreSQL allows one at a time)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        for attempt in range(40):
            try:
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                return
            except Exception as e:  # another clone of the template under way
                if "being accessed" not in str(e) or attempt == 39:
                    raise
                time.sleep(0.25)


def clone_migrated(snapshot: Snapshot, connection: Any, serialize: bool = False) -> str:
    """In place of `connection.creation.create_test_db`: the test database as a clone of
    the run's migrated database (built once per run) instead of migrating its own.
    Django's own names and settings, so that its teardown drops what it made."""
    from django.conf import settings

    snapshot.wait()
    creation = connection.creation
    name = creation._get_test_db_name()
    if connection.vendor == "sqlite":
        if not creation.is_in_memory_db(name):
            creation._create_test_db(0, True, False)  # removes a stale file
    else:
        pg_clone(connection, name, snapshot.pg_name())
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(snapshot.sqlite_path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    return name


def migrated_sqlite_file() -> Path | None:
    """This run's migrated SQLite database (a file to copy), or None when the run is
    on PostgreSQL or was not started by our conftest."""
    folder = os.environ.get(DIR_ENV)
    if not folder or "postgres" in os.environ.get("KECHUANG_TEST_DATABASE_URL", ""):
        return None
    snapshot = Snapshot(Path(folder), "migrated")
    snapshot.wait()
    return snapshot.sqlite_path if snapshot.sqlite_path.exists() else None


class WorkerCopy:
    """This process's copy of the demo: in the test database while demo tests run."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.pristine: sqlite3.Connection | None = None  # SQLite: the migrated database
        self.home_name: str | None = None  # PostgreSQL: the worker's own test database
        self.clone_name: str | None = None

    def put(self, connection: Any) -> Any:
        """Copy the demo into `connection`'s test database; return the `LoadResult`."""
        result = self.snapshot.wait()
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            raw = connection.connection
            if self.pristine is None:
                self.pristine = sqlite3.connect(":memory:", check_same_thread=False)
                raw.backup(self.pristine)
            source = sqlite3.connect(self.snapshot.sqlite_path)
            try:
                source.backup(raw)
            finally:
                source.close()
        else:
            if self.clone_name is None:
                self.home_name = connection.settings_dict["NAME"]
                self.clone_name = f"{self.home_name}_demo"[:63]
                pg_clone(connection, self.clone_name, self.snapshot.pg_name())
            self._point(connection, self.clone_name)
        return result

    def take(self, connection: Any) -> None:
        """Back to the freshly migrated test database."""
        if connection.vendor == "sqlite":
            if self.pristine is not None:
                connection.ensure_connection()
                self.pristine.backup(connection.connection)
        elif self.home_name is not None:
            self._point(connection, self.home_name)

    def drop(self, connection: Any) -> None:
        """At the end of the session: remove the clone (PostgreSQL)."""
        if self.pristine is not None:
            self.pristine.close()
        if self.clone_name is not None and self.home_name is not None:
            self._point(connection, self.home_name)
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.clone_name}"')

    @staticmethod
    def _point(connection: Any, name: str) -> None:
        connection.close()
        connection.settings_dict["NAME"] = name


def build(folder: Path, kind: str = "demo") -> None:
    """ "migrated": migrate a database of its own. "demo": clone the migrated one (built
    first if need be) and load the demo county into the clone."""
    import django

    django.setup()
    from django.db import connection

    snapshot = Snapshot(folder, kind)
    if connection.vendor == "sqlite":
        # A throwaway file written by one process: its rollback journal in memory and no
        # syncing. In the settings' write-ahead-log mode, every RELEASE SAVEPOINT inside
        # the demo's one long transaction cost about 1 ms (12,000 of them: 13 of the
        # load's 47 s, measured in session 9); in memory, a tenth of that.
        connection.settings_dict["OPTIONS"]["init_command"] = (
            "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
            "PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
        )
    test = connection.settings_dict.setdefault("TEST", {})
    pg_name = pg_template_name(connection.settings_dict["NAME"], folder, kind)
    if kind == "migrated":
        if connection.vendor == "sqlite":
            test["NAME"] = str(snapshot.sqlite_path)
        else:
            snapshot.pg_name_path.write_text(pg_name, "utf-8")
            test["NAME"] = pg_name
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        result: Any = True
    else:
        from kechuang.demo.load import load_demo

        migrated = Snapshot(folder, "migrated")
        migrated.wait()
        if connection.vendor == "sqlite":
            source = sqlite3.connect(migrated.sqlite_path)
            target = sqlite3.connect(snapshot.sqlite_path)
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
            name = str(snapshot.sqlite_path)
        else:
            snapshot.pg_name_path.write_text(pg_name, "utf-8")
            pg_clone(connection, pg_name, migrated.pg_name())
            name = pg_name
        connection.close()
        connection.settings_dict["NAME"] = name
        result = load_demo()
    connection.close()
    if connection.vendor == "sqlite":
        # One self-contained file: no write-ahead log beside it.
        with sqlite3.connect(snapshot.sqlite_path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA journal_mode=DELETE")
    tmp = snapshot.result_path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps(result))
    tmp.replace(snapshot.result_path)


def drop_pg_template(folder: Path, connection: Any) -> None:
    """At the end of the run: remove the PostgreSQL build, if there was one. Called
    where pytest-django blocks the ORM (the controlling process), so it connects with
    the driver itself."""
    if connection.vendor == "sqlite":
        return
    for kind in ("demo", "migrated"):  # the demo is a clone of the migrated one
        snapshot = Snapshot(folder, kind)
        if not snapshot.pg_name_path.exists():
            continue
        fd = os.open(snapshot.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a build still running (interrupted run) ends
        finally:
            os.close(fd)
        params = {**connection.get_connection_params(), "dbname": "postgres"}
        db = connection.Database.connect(**params)
        try:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{snapshot.pg_name()}"')
        finally:
            db.close()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    kind = sys.argv[2] if len(sys.argv) > 2 else "demo"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    try:
        build(target, kind)
    except BaseException:
        Snapshot(target, kind).error_path.write_text(traceback.format_exc(), "utf-8")
        raise
