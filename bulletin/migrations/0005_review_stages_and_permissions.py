from django.contrib.auth.management import create_permissions
from django.db import migrations

# The usual three-stage review (三审制); an association may change or shorten it in the admin.
STAGES = [("初审", 1, "审核"), ("复审", 2, "审核"), ("终审", 3, "主编")]

GRANTS = {
    "编辑": [("bulletin", "submit_article"), ("events", "submit_event")],
    "审核": [("bulletin", "review_article"), ("events", "review_event")],
    "主编": [
        ("bulletin", "submit_article"),
        ("bulletin", "review_article"),
        ("bulletin", "publish_article"),
        ("bulletin", "withdraw_article"),
        ("bulletin", "release_issue"),
        ("events", "submit_event"),
        ("events", "review_event"),
        ("events", "publish_event"),
        ("events", "withdraw_event"),
    ],
}


def seed(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ReviewStage = apps.get_model("bulletin", "ReviewStage")
    for role, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codename in grants:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for name, order, role in STAGES:
        ReviewStage.objects.get_or_create(name=name, defaults={"order": order, "group": Group.objects.get(name=role)})


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0004_workflow"),
        ("events", "0002_workflow"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
