from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_initial"),
        ("bulletin", "0018_platform_models_moved"),
        ("events", "0005_review_stage_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="reviewstage", table=None),
        migrations.AlterModelTable(name="workflowlog", table=None),
        migrations.AlterModelTable(name="pendinginvalidation", table=None),
    ]
