"""The five services the seed names (2021 plan §三.3: 政策咨询、项目申报、融资对接、科技查新、
业务办理), with time limits in working days the bureau may change on the settings page."""

from django.db import migrations

TYPES = [
    ("policy", "政策咨询", 3, "科技政策解读、申报条件咨询"),
    ("project", "项目申报", 10, "科技计划项目、高企认定、研发机构等申报辅导和代办"),
    ("finance", "融资对接", 10, "苏科贷、科技金融产品对接"),
    ("novelty", "科技查新", 10, "委托查新机构开展科技查新"),
    ("business", "业务办理", 5, "备案、登记、证明等事项代办帮办"),
]


def add_types(apps, schema_editor):
    RequestType = apps.get_model("desk", "RequestType")
    for order, (key, name, days, note) in enumerate(TYPES, start=1):
        RequestType.objects.get_or_create(
            key=key,
            defaults={"name": name, "deadline_days": days, "description": note, "sort_order": order},
        )


def remove_types(apps, schema_editor):
    apps.get_model("desk", "RequestType").objects.filter(key__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]
    operations = [migrations.RunPython(add_types, remove_types)]
