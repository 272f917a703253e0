"""The registry's assessment runs and snapshots move from the assessments app to the
registry (shared by every capability). The tables keep their names: state only."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_drop_redundant_fact_indexes"),
        ("assessments", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AssessmentRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("as_of", models.DateField(verbose_name="评价日期")),
                        ("rulesets", models.CharField(max_length=200, verbose_name="规则集")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("enterprises", models.PositiveIntegerField(default=0, verbose_name="企业数")),
                        ("seconds", models.FloatField(default=0, verbose_name="用时（秒）")),
                        ("counts", models.JSONField(default=dict, verbose_name="结论统计")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="发起人")),
                    ],
                    options={
                        "verbose_name": "全库评价",
                        "verbose_name_plural": "全库评价",
                        "ordering": ["-created_at"],
                        "db_table": "assessments_assessmentrun",
                    },
                ),
                migrations.CreateModel(
                    name="AssessmentSnapshot",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("ruleset", models.CharField(max_length=40, verbose_name="规则集")),
                        ("ruleset_version", models.CharField(max_length=80, verbose_name="规则集版本")),
                        ("as_of", models.DateField(verbose_name="评价日期")),
                        ("inputs_hash", models.CharField(max_length=64, verbose_name="输入摘要")),
                        ("inputs", models.JSONField(verbose_name="输入")),
                        ("result", models.JSONField(verbose_name="结果")),
                        ("verdict", models.CharField(max_length=10, verbose_name="结论")),
                        ("score_lo", models.SmallIntegerField(blank=True, null=True, verbose_name="得分下限")),
                        ("score_hi", models.SmallIntegerField(blank=True, null=True, verbose_name="得分上限")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("enterprise", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="assessment_snapshots", to="enterprises.enterprise")),
                        ("run", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="snapshots", to="enterprises.assessmentrun")),
                    ],
                    options={
                        "verbose_name": "评价快照",
                        "verbose_name_plural": "评价快照",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "assessments_assessmentsnapshot",
                        "indexes": [models.Index(fields=["enterprise", "ruleset", "-created_at"], name="assessments_enterpr_45c233_idx")],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
