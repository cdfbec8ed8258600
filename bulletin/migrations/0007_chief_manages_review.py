from django.contrib.auth.management import create_permissions
from django.db import migrations

# The editor-in-chief configures the review stages and reads the audit trail.
GRANTS = [
    "view_reviewstage",
    "add_reviewstage",
    "change_reviewstage",
    "delete_reviewstage",
    "view_workflowlog",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("bulletin")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    chief, _ = Group.objects.get_or_create(name="主编")
    chief.permissions.add(*Permission.objects.filter(content_type__app_label="bulletin", codename__in=GRANTS))


class Migration(migrations.Migration):
    dependencies = [("bulletin", "0006_workflow_log_stage_name")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
