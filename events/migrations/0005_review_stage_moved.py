import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The review stages now belong to the publishing platform; the column and its data stay."""

    dependencies = [
        ("events", "0004_search_document"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='event',
                    name='review_stage',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='publishing.reviewstage', verbose_name='当前审核环节'),
                ),
            ],
            database_operations=[],
        ),
    ]
