"""A provider's qualification documents are files: checked on upload (type, size, content
that matches the name, no zip bomb), kept under the private media root and read only
through the scoped view — by the bureau of the provider's county and the provider's own
users; the text qualifications of before become records without a file."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.core.errors import PermissionDenied, ValidationFailed
from kechuang.vouchers import services
from kechuang.vouchers.models import ProviderDocument, ProviderMember
from tests.conftest import make_user
from tests.vouchers.conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_the_bureau_uploads_a_file_kept_with_the_provider(staff: Any, provider: Any) -> None:
    assert provider.region is not None and provider.region.kind == "county"
    doc = services.provider_document_add(
        actor=staff,
        provider=provider,
        file=pdf("CMA证书.pdf"),
        title="CMA资质认定证书",
        valid_until=dt.date(2023, 12, 31),
    )
    assert doc.has_file and doc.size > 0 and doc.file.name.startswith("vouchers/providers/")
    assert doc.file.read().startswith(b"%PDF")
    from kechuang.core.models import AuditLog

    assert AuditLog.objects.filter(note__contains="资质文件").exists()


@pytest.mark.parametrize(
    ("name", "body", "says"),
    [
        ("证书.exe", b"MZ\x90\x00", "只接受"),
        ("证书.pdf", b"<html><script>alert(1)</script>", "扩展名与内容不符"),
        ("证书.pdf", b"", "文件为空"),
        ("证书.png", b"%PDF-1.4", "扩展名与内容不符"),
    ],
)
def test_a_hostile_or_wrong_file_is_refused_in_chinese_and_nothing_is_kept(
    staff: Any, provider: Any, name: str, body: bytes, says: str, tmp_path: Any
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.provider_document_add(
            actor=staff, provider=provider, file=SimpleUploadedFile(name, body)
        )
    assert says in exc.value.message and "资质文件" in exc.value.message
    assert not ProviderDocument.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_a_zip_bomb_is_refused(staff: Any, provider: Any) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.txt", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationFailed, match="解压后过大"):
        services.provider_document_add(
            actor=staff, provider=provider, file=SimpleUploadedFile("证书.zip", buf.getvalue())
        )


def test_only_the_county_bureau_and_the_providers_users_read_the_files(
    client_for: Any,
    staff: Any,
    officer_a: Any,
    peer_bureau: Any,
    city_bureau: Any,
    enterprise_user: Any,
    provider: Any,
) -> None:
    doc = services.provider_document_add(actor=staff, provider=provider, file=pdf())
    own = make_user("jigou", "helper")
    ProviderMember.objects.create(user=own, provider=provider)
    other_provider = services.provider_save(
        actor=staff, data={"name": "另一家机构", "categories": ["ip"]}
    )
    stranger = make_user("jigou2", "helper")
    ProviderMember.objects.create(user=stranger, provider=other_provider)
    url = f"/vouchers/provider-documents/{doc.pk}/"
    for reader in (staff, city_bureau, own):
        r = client_for(reader).get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), reader.username
        assert r["Content-Type"] == "application/octet-stream"
    for outsider in (officer_a, peer_bureau, enterprise_user, stranger):
        assert client_for(outsider).get(url).status_code == 404, outsider.username
        r = client_for(outsider).post(
            f"/vouchers/providers/{provider.pk}/documents/", {"file": pdf()}
        )
        assert r.status_code == 404, outsider.username
    with pytest.raises(PermissionDenied):
        services.provider_document_add(actor=peer_bureau, provider=provider, file=pdf())
    assert ProviderDocument.objects.count() == 1


def test_the_providers_own_user_uploads_from_its_page(client_for: Any, provider: Any) -> None:
    own = make_user("jigou", "helper")
    ProviderMember.objects.create(user=own, provider=provider)
    c = client_for(own)
    r = c.post(
        f"/vouchers/providers/{provider.pk}/documents/",
        {"file": pdf("检验检测机构资质认定证书.pdf"), "title": "资质认定证书"},
    )
    assert r.status_code == 302 and r["Location"] == "/vouchers/provider/"
    page = c.get("/vouchers/provider/").content.decode()
    assert "资质认定证书" in page and "下载" in page


def test_the_provider_page_lists_files_for_the_bureau_and_refuses_bad_files(
    client_for: Any, staff: Any, provider: Any
) -> None:
    c = client_for(staff)
    ok = c.post(
        f"/vouchers/providers/{provider.pk}/documents/",
        {"file": pdf(), "title": "CNAS认可证书", "valid_until": "2024-06-30"},
        follow=True,
    )
    page = ok.content.decode()
    assert "资质文件已上传" in page and "CNAS认可证书" in page and "2024-06-30" in page
    bad = c.post(
        f"/vouchers/providers/{provider.pk}/documents/",
        {"file": SimpleUploadedFile("x.pdf", b"MZ")},
        follow=True,
    )
    assert "资质文件: 文件内容不是PDF文件（扩展名与内容不符）" in bad.content.decode()
    assert ProviderDocument.objects.count() == 1
    listing = c.get("/vouchers/providers/").content.decode()
    assert "资质文件（份）" in listing


def test_the_migration_turns_text_into_placeholder_records_and_back(
    staff: Any, provider: Any
) -> None:
    """The data migration's two functions, run with the real document table and a
    stand-in for the historical Provider (the one that still had the text field)."""
    from django.apps import apps as real_apps

    mig = importlib.import_module("kechuang.vouchers.migrations.0002_provider_documents")

    class OldProvider:
        """The provider as it was: a text qualification."""

        def __init__(self) -> None:
            self.pk = provider.pk
            self.region_id = None
            self.qualification = "CMA检验检测机构资质认定"
            self.qualification_until = dt.date(2023, 12, 31)

        def save(self, update_fields: list[str]) -> None:
            pass

    old = OldProvider()

    class Rows(list[Any]):
        def order_by(self, *a: Any) -> Rows:
            return self

        def filter(self, pk: int) -> Rows:
            return Rows(x for x in self if x.pk == pk)

        def update(self, qualification: str) -> None:
            for x in self:
                x.qualification = qualification

    class OldModel:
        objects = Rows([old])

    class HistoricalApps:
        def get_model(self, app: str, name: str) -> Any:
            return OldModel if name == "Provider" else real_apps.get_model(app, name)

    mig.texts_to_records(HistoricalApps(), None)
    doc = ProviderDocument.objects.get(provider=provider)
    assert doc.note == "CMA检验检测机构资质认定" and not doc.has_file
    assert doc.valid_until == dt.date(2023, 12, 31)
    old.qualification = ""
    mig.records_to_texts(HistoricalApps(), None)
    assert not ProviderDocument.objects.filter(provider=provider).exists()
    assert old.qualification == "CMA检验检测机构资质认定"
