from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTORS = "通讯员"

# Correspondents hold no permission at all: they are never staff, and the portal checks that a
# submission is theirs, not a permission. The office handles what they send: editors answer
# submissions and look after units and correspondents; the editor-in-chief also records fees.
OFFICE = [
    "view_submission",
    "change_submission",
    "view_unit",
    "add_unit",
    "change_unit",
    "view_contributor",
    "add_contributor",
    "change_contributor",
    "view_fee",
]
GRANTS = {"编辑": OFFICE, "主编": [*OFFICE, "add_fee", "change_fee"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("bulletin")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name=CONTRIBUTORS)
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="bulletin", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0025_contributions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
