"""Bureau staff belong to a region (a county bureau sees its county, the city bureau the
city). Existing staff without a region get the region that keeps what they saw before:
the smallest region holding every registered enterprise (the county on a county
install), else the root of the tree when there is one root. A superuser without a region
stays as they are: the platform administrator, who sees the whole instance."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def _common_region(apps: Any) -> Any:
    region_model = apps.get_model("accounts", "Region")
    enterprise_model = apps.get_model("enterprises", "Enterprise")
    paths = list(
        region_model.objects.filter(
            pk__in=enterprise_model.objects.values("region_id").distinct()
        ).values_list("path", flat=True)
    )
    if paths:
        # The longest common prefix of whole codes ("321200/321283/…").
        parts = [p.strip("/").split("/") for p in paths]
        common: list[str] = []
        for level in zip(*parts, strict=False):
            if len(set(level)) != 1:
                break
            common.append(level[0])
        if common:
            return region_model.objects.filter(code=common[-1]).first()
    roots = list(region_model.objects.filter(parent__isnull=True)[:2])
    return roots[0] if len(roots) == 1 else None


def forwards(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model("accounts", "User")
    staff = user_model.objects.filter(role="staff", region__isnull=True, is_superuser=False)
    if not staff.exists():
        return
    region = _common_region(apps)
    if region is not None:
        staff.update(region=region)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("staff", "科技局"),
                    ("officer", "园区/乡镇"),
                    ("enterprise", "企业"),
                    ("helper", "帮办员/专家"),
                ],
                default="enterprise",
                max_length=12,
                verbose_name="角色",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="region",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "科技局和园区/乡镇用户只能看到本区域（含下级）的企业：县（市、区）科技局选所在县，"
                    "市科技局选地级市；不选区域的科技局用户什么也看不到（超级用户除外：平台管理员）"
                ),
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="officers",
                to="accounts.region",
                verbose_name="所属区域",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
