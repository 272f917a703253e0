"""Request types, routing rules and working-day overrides get a county (nullable until
0004 fills it), and each county its settings row (the overlap window of visits)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_token_expiry_and_revocation"),
        ("desk", "0002_request_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountySettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "visit_overlap_days",
                    models.PositiveSmallIntegerField(
                        default=30,
                        help_text="另一单位在此天数内走访过同一企业时提示（走访扰企）",
                        verbose_name="重复走访提示天数",
                    ),
                ),
                (
                    "county",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="desk_settings",
                        to="accounts.region",
                        verbose_name="县（市、区）",
                    ),
                ),
            ],
            options={"verbose_name": "科技服务设置", "verbose_name_plural": "科技服务设置"},
        ),
        migrations.AlterField(
            model_name="requesttype",
            name="key",
            field=models.SlugField(max_length=20, verbose_name="代码"),
        ),
        migrations.AlterField(
            model_name="requesttype",
            name="name",
            field=models.CharField(max_length=30, verbose_name="服务类型"),
        ),
        migrations.AlterField(
            model_name="workdayoverride",
            name="day",
            field=models.DateField(verbose_name="日期"),
        ),
        migrations.AddField(
            model_name="requesttype",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="desk_request_types",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="routingrule",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="workdayoverride",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.region",
                verbose_name="县（市、区）",
            ),
        ),
    ]
