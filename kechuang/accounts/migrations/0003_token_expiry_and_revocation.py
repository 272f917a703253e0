import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Tokens issued before expiry existed live 90 days from their creation.
LEGACY_DAYS = 90


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    for token in ApiToken.objects.all():
        token.expires_at = token.created_at + dt.timedelta(days=LEGACY_DAYS)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_staff_region")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.RunPython(set_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="吊销时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(blank=True, max_length=60, verbose_name="吊销原因"),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "API令牌",
                "verbose_name_plural": "API令牌",
            },
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="key_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="密钥摘要"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
                verbose_name="所有者",
            ),
        ),
    ]
