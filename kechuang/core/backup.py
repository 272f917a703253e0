"""Backup and restore of a whole instance: a consistent snapshot of the database (SQLite's
online backup; `pg_dump` on PostgreSQL) with the uploaded and generated files and the
secret key, in one .tar.gz; and its restore, checked table by table.

The archive holds:
- `manifest.json`: format, engine, Kechuang version, when, and per table its row count
  and a checksum of its rows (`table_checksums`), so a restore proves itself;
- `database.sqlite3` (SQLite) or `database.dump` (PostgreSQL, `pg_dump -Fc`);
- `files/media/…`, `files/jobs/…`: uploaded attachments and job results;
- `secret_key`: the key in var/ (not one given by the environment).

A restore goes into the same kind of database it came from; it replaces the database and
the files, then compares every table's checksum with the manifest's."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction

import kechuang
from kechuang.core.errors import ValidationFailed

FORMAT = "kechuang-backup"
FORMAT_VERSION = 1
FILE_DIRS = {"media": "MEDIA_ROOT", "jobs": "JOBS_DIR"}


def _failed(message: str) -> ValidationFailed:
    return ValidationFailed([], message)


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise _failed(f"不支持的数据库类型：{vendor}")
    return vendor


def table_checksums(db: sqlite3.Connection | None = None) -> dict[str, dict[str, Any]]:
    """Per table: its row count and a SHA-256 of its rows in primary-key order (values
    as the driver returns them: comparable within one kind of database). `db` reads a
    SQLite copy instead of the live database."""
    if db is not None:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out_copy: dict[str, dict[str, Any]] = {}
        for t in sorted(names):
            info = list(
                db.execute(f'PRAGMA table_info("{t}")')
            )  # cid, name, type, notnull, default, pk
            keys = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            order = _order_by([f'"{k}"' for k in keys], len(info))
            out_copy[t] = _checksum(db.execute(f'SELECT * FROM "{t}" ORDER BY {order}'))
        return out_copy
    out: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            keys = connection.introspection.get_primary_key_columns(cursor, table) or []
            width = len(connection.introspection.get_table_description(cursor, table))
            order = _order_by([connection.ops.quote_name(k) for k in keys], width)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")
            out[table] = _checksum(cursor.fetchall())
    return out


def _order_by(keys: list[str], width: int) -> str:
    """The primary key's columns (not the first column, which need not be unique and
    would leave the order of equal rows, and so the checksum, to the database); every
    column, in order, for a table without one."""
    return ", ".join(keys) if keys else ", ".join(str(i) for i in range(1, width + 1))


def _checksum(rows: Any) -> dict[str, Any]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(repr(tuple(row)).encode())
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def _open_copy(path: Path) -> sqlite3.Connection:
    """A SQLite copy read with the converters Django's backend registered, so that its
    values (dates, decimals, booleans) are those the live connection returns."""
    return sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise _failed(f"找不到 {tool}：请安装 PostgreSQL 客户端（Debian：postgresql-client）")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise _failed(f"{tool} 失败：{done.stderr.strip()[:500]}")


def _dump_database(into: Path, snapshot: str | None) -> str:
    if engine() == "sqlite":
        target = into / "database.sqlite3"
        connection.ensure_connection()
        live = connection.connection
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)  # the online backup API: consistent while serving
        finally:
            copy.close()
        return target.name
    args, env = _pg_env()
    target = into / "database.dump"
    name = str(connection.settings_dict["NAME"])
    extra = ["--snapshot", snapshot] if snapshot else []
    _run(["pg_dump", *args, "-Fc", "--no-owner", *extra, "-f", str(target), name], env)
    return target.name


def _files_root(key: str) -> Path | None:
    value = getattr(settings, FILE_DIRS[key], None)
    return Path(value) if value else None


def backup(path: Path) -> dict[str, Any]:
    """Write a backup of this instance to `path` (.tar.gz); the manifest is returned."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The checksums describe exactly what was dumped: on SQLite they are read from
        # the copy (the online backup is one consistent snapshot); on PostgreSQL pg_dump
        # joins the snapshot our repeatable-read transaction exported.
        if engine() == "sqlite":
            database = _dump_database(work, None)
            copy = _open_copy(work / database)
            try:
                tables = table_checksums(copy)
            finally:
                copy.close()
        else:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute("SELECT pg_export_snapshot()")
                    snapshot = str(cursor.fetchone()[0])
                tables = table_checksums()
                database = _dump_database(work, snapshot)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "kechuang": kechuang.__version__,
            "engine": engine(),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": database,
            "tables": tables,
            "files": {},
        }
        with tarfile.open(path, "w:gz") as tar:
            tar.add(work / database, arcname=database)
            for key in FILE_DIRS:
                root = _files_root(key)
                if root and root.is_dir():
                    files = sorted(p for p in root.rglob("*") if p.is_file())
                    manifest["files"][key] = len(files)
                    for f in files:
                        tar.add(f, arcname=f"files/{key}/{f.relative_to(root)}")
            key_file = Path(settings.VAR_DIR) / "secret_key"
            if key_file.exists() and not os.environ.get("SECRET_KEY"):
                tar.add(key_file, arcname="secret_key")
                manifest["secret_key"] = True
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return manifest


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        name = Path(m.name)
        if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
            raise _failed(f"备份文件中有不安全的路径：{m.name}")
        members.append(m)
    return members


def _database_member(work: Path, manifest: dict[str, Any]) -> Path:
    """The archive's database file, which must be there and inside the archive."""
    source = (work / str(manifest.get("database", ""))).resolve()
    if source.parent != work.resolve() or not source.is_file():
        raise _failed("备份文件中缺少数据库文件，未做任何更改")
    return source


def _restore_database(work: Path, manifest: dict[str, Any]) -> None:
    source = _database_member(work, manifest)
    if engine() == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        saved = sqlite3.connect(source)
        try:
            saved.backup(live)
        finally:
            saved.close()
        return
    args, env = _pg_env()
    name = str(connection.settings_dict["NAME"])
    connections.close_all()
    _run(
        ["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", name, str(source)],
        env,
    )


def restore(path: Path) -> dict[str, Any]:
    """Replace this instance's database and files by the backup at `path`, then check
    every table against the manifest. Refused when the kinds of database differ."""
    if not path.is_file():
        raise _failed(f"备份文件不存在：{path}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(path, "r:gz") as tar:
                tar.extractall(work, members=_safe_members(tar), filter="data")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise _failed(f"无法读取备份文件“{path.name}”：{exc}") from None
        try:
            manifest: dict[str, Any] = json.loads(
                (work / "manifest.json").read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            raise _failed("备份文件缺少 manifest.json，不是科创云的备份") from None
        if manifest.get("format") != FORMAT:
            raise _failed("不是科创云的备份文件")
        if manifest.get("engine") != engine():
            raise _failed(
                f"备份来自 {manifest.get('engine')} 数据库，当前是 {engine()}：请恢复到同类数据库"
            )
        _database_member(work, manifest)  # before anything is replaced
        _restore_database(work, manifest)
        for key in FILE_DIRS:
            root = _files_root(key)
            saved = work / "files" / key
            if root is None:
                continue
            if root.exists():
                shutil.rmtree(root)
            if saved.is_dir():
                shutil.copytree(saved, root)
        if manifest.get("secret_key") and (work / "secret_key").exists():
            key_file = Path(settings.VAR_DIR) / "secret_key"
            shutil.copyfile(work / "secret_key", key_file)
            key_file.chmod(0o600)
    found = table_checksums()
    expected = manifest["tables"]
    wrong = sorted(t for t in expected if found.get(t) != expected[t])
    if wrong:
        raise _failed(f"恢复后与备份不一致的数据表：{'、'.join(wrong[:10])}")
    # The database cache (kechuang.core.cache, the default) came back with the data
    # its entries describe: every table as it was, that one included.
    return manifest
