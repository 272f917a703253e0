"""Request types, routing rules and working-day overrides belong to a county, and each
county has its settings (the overlap window of visits). Existing rows go to 泰兴市's county
(code 321283; the first county when there is none of that code, as on a copy of
another county's instance); a routing rule limited to an area goes to that area's
county. Every other county gets the five shipped types. With no county at all (a fresh
database) the shipped types are removed: a county gets them when it is created."""

from django.db import migrations

TAIXING = "321283"
TYPES = [
    ("policy", "政策咨询", 3, "科技政策解读、申报条件咨询"),
    ("project", "项目申报", 10, "科技计划项目、高企认定、研发机构等申报辅导和代办"),
    ("finance", "融资对接", 10, "苏科贷、科技金融产品对接"),
    ("novelty", "科技查新", 10, "委托查新机构开展科技查新"),
    ("business", "业务办理", 5, "备案、登记、证明等事项代办帮办"),
]


def _county_of(Region, region):
    codes = [c for c in region.path.split("/") if c]
    return Region.objects.filter(code__in=codes, kind="county").order_by("-path").first()


def forwards(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    RequestType = apps.get_model("desk", "RequestType")
    RoutingRule = apps.get_model("desk", "RoutingRule")
    WorkdayOverride = apps.get_model("desk", "WorkdayOverride")
    CountySettings = apps.get_model("desk", "CountySettings")
    counties = list(Region.objects.filter(kind="county").order_by("sort_order", "code"))
    home = next((c for c in counties if c.code == TAIXING), counties[0] if counties else None)
    if home is None:
        RoutingRule.objects.all().delete()
        WorkdayOverride.objects.all().delete()
        RequestType.objects.all().delete()
        return
    RequestType.objects.filter(county__isnull=True).update(county=home)
    WorkdayOverride.objects.filter(county__isnull=True).update(county=home)
    for rule in RoutingRule.objects.filter(county__isnull=True).select_related("region"):
        county = _county_of(Region, rule.region) if rule.region_id else None
        rule.county = county or home
        rule.save(update_fields=["county"])
    for county in counties:
        CountySettings.objects.get_or_create(county=county)
        for order, (key, name, days, note) in enumerate(TYPES, start=1):
            if not RequestType.objects.filter(county=county, key=key).exists():
                RequestType.objects.create(
                    county=county,
                    key=key,
                    name=name,
                    deadline_days=days,
                    description=note,
                    sort_order=order,
                )


class Migration(migrations.Migration):
    dependencies = [("desk", "0003_county_configuration")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
