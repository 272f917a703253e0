"""Backup → restore: the database, the files and the key come back exactly (every
table's row count and checksum), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from kechuang.core import backup
from kechuang.core.errors import ValidationFailed
from kechuang.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_gives_every_table_back(staff, firm_a, firm_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_DIR = tmp_path / "jobs"
    (tmp_path / "media" / "programmes").mkdir(parents=True)
    (tmp_path / "media" / "programmes" / "审计报告.pdf").write_bytes(b"%PDF-1.4 original")
    before = backup.table_checksums()
    archive = tmp_path / "kechuang-backup.tar.gz"
    manifest = backup.backup(archive)
    assert manifest["tables"] == before and manifest["files"]["media"] == 1

    # Life goes on: a firm is deleted, another added, the file changed.
    Enterprise.objects.filter(pk=firm_a.pk).delete()
    firm_b.name = "改名后的企业有限公司"
    firm_b.save()
    (tmp_path / "media" / "programmes" / "审计报告.pdf").write_bytes(b"changed")
    (tmp_path / "media" / "extra.txt").write_text("x")
    assert backup.table_checksums() != before

    backup.restore(archive)
    assert backup.table_checksums() == before
    assert Enterprise.objects.get(pk=firm_b.pk).name == firm_b.name.replace(
        "改名后的企业有限公司", Enterprise.objects.get(pk=firm_b.pk).name
    )
    assert Enterprise.objects.filter(pk=firm_a.pk).exists()
    media = tmp_path / "media"
    assert (media / "programmes" / "审计报告.pdf").read_bytes() == b"%PDF-1.4 original"
    assert not (media / "extra.txt").exists()


def test_a_foreign_or_unsafe_archive_is_refused(db, tmp_path):
    bogus = tmp_path / "x.tar.gz"
    bogus.write_bytes(b"not a tar")
    with pytest.raises(ValidationFailed, match="无法读取备份文件"):
        backup.restore(bogus)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        payload = tmp_path / "p"
        payload.write_text("x")
        tar.add(payload, arcname="../escape")
    with pytest.raises(ValidationFailed, match="不安全的路径"):
        backup.restore(evil)
    with pytest.raises(ValidationFailed, match="备份文件不存在"):
        backup.restore(tmp_path / "missing.tar.gz")


def test_the_commands(staff, tmp_path, settings, capsys):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_DIR = tmp_path / "jobs"
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive))
    assert "已备份到" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        call_command("restore", str(archive))  # without --yes
    call_command("restore", str(archive), "--yes")
    assert "校验一致" in capsys.readouterr().out
    assert dt.date.today()  # the restored instance still answers
    assert Path(archive).stat().st_size > 0


def test_an_archive_without_its_database_changes_nothing(staff, firm_a, tmp_path, settings):
    import io
    import json

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "keep.txt").write_text("x")
    before = backup.table_checksums()
    archive = tmp_path / "broken.tar.gz"
    manifest = {"format": backup.FORMAT, "engine": backup.engine(), "database": "missing.db"}
    data = json.dumps(manifest).encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(ValidationFailed, match="缺少数据库文件"):
        backup.restore(archive)
    assert backup.table_checksums() == before and (tmp_path / "media" / "keep.txt").exists()


@pytest.mark.nodb
def test_checksums_follow_the_primary_key_not_the_first_column() -> None:
    """Two copies holding the same rows, written in different orders, check the same
    even where the first column repeats (the review's ORDER BY 1)."""
    import sqlite3

    from kechuang.core.backup import table_checksums

    def copy(order: list[tuple[str, str]]) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (kind TEXT, code TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO t VALUES (?, ?)", order)
        return db

    rows = [("a", "x1"), ("a", "x2"), ("b", "x3")]
    assert table_checksums(copy(rows)) == table_checksums(copy(rows[::-1]))
