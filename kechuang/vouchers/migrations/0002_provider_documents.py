"""A provider's qualification was a line of text; now it is files (ProviderDocument).
Each text becomes a record without a file, its text kept as the note, for the bureau to
replace with the scanned document; reversing puts the text back. A provider's county
(whose bureau reads its files) is the county of the first programme it served, else
the instance's county when it has only one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PLACEHOLDER_TITLE = "资质（原文字登记，待上传文件）"


def texts_to_records(apps, schema_editor):
    Provider = apps.get_model("vouchers", "Provider")
    ProviderDocument = apps.get_model("vouchers", "ProviderDocument")
    Voucher = apps.get_model("vouchers", "Voucher")
    Region = apps.get_model("accounts", "Region")
    for provider in Provider.objects.order_by("pk"):
        first = (
            Voucher.objects.filter(provider_id=provider.pk)
            .order_by("programme__year", "pk")
            .values_list("programme__region_id", flat=True)
            .first()
        )
        if first is None:
            # never used: the instance's county, when it has only one
            counties = list(Region.objects.filter(kind="county").values_list("pk", flat=True)[:2])
            first = counties[0] if len(counties) == 1 else None
        if first is not None:
            provider.region_id = first
            provider.save(update_fields=["region"])
        text = (provider.qualification or "").strip()
        if text:
            ProviderDocument.objects.create(
                provider_id=provider.pk,
                title=PLACEHOLDER_TITLE,
                note=text[:300],
                valid_until=provider.qualification_until,
            )


def records_to_texts(apps, schema_editor):
    Provider = apps.get_model("vouchers", "Provider")
    ProviderDocument = apps.get_model("vouchers", "ProviderDocument")
    for doc in ProviderDocument.objects.filter(file="", title=PLACEHOLDER_TITLE).order_by("pk"):
        Provider.objects.filter(pk=doc.provider_id).update(qualification=doc.note[:200])
    ProviderDocument.objects.filter(file="", title=PLACEHOLDER_TITLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_token_expiry_and_revocation"),
        ("vouchers", "0001_vouchers_ledger_providers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.region",
                verbose_name="登记地区",
            ),
        ),
        migrations.CreateModel(
            name="ProviderDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=120, verbose_name="名称")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=200,
                        upload_to="vouchers/providers/%Y/",
                        verbose_name="文件",
                    ),
                ),
                ("size", models.PositiveIntegerField(default=0, verbose_name="大小（字节）")),
                ("valid_until", models.DateField(blank=True, null=True, verbose_name="有效期至")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="说明")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="documents",
                        to="vouchers.provider",
                        verbose_name="服务机构",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传人",
                    ),
                ),
            ],
            options={
                "verbose_name": "服务机构资质文件",
                "verbose_name_plural": "服务机构资质文件",
                "ordering": ["provider", "-uploaded_at", "-id"],
            },
        ),
        migrations.RunPython(texts_to_records, records_to_texts),
        migrations.RemoveField(
            model_name="provider",
            name="qualification",
        ),
    ]
