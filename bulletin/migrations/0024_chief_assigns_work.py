from django.contrib.auth.management import create_permissions
from django.db import migrations

# The editor-in-chief hands out the work (responsible editors, named reviewers) and sets the
# periodical's rhythm that dates each issue's schedule.
GRANTS = ["assign_article", "view_productionrhythm", "change_productionrhythm", "add_productionrhythm"]


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
    dependencies = [("bulletin", "0023_planning")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
