"""The review stages, the workflow log and the pending invalidations now belong to the publishing
platform (publishing 0001 takes over their tables): bulletin lets go of them in its state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0017_pending_invalidation"),
        ("events", "0005_review_stage_moved"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historicalarticle',
                    name='review_stage',
                    field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='publishing.reviewstage', verbose_name='当前审核环节'),
                ),
                migrations.AlterField(
                    model_name='article',
                    name='review_stage',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='publishing.reviewstage', verbose_name='当前审核环节'),
                ),
                migrations.RemoveField(
                    model_name='workflowlog',
                    name='stage',
                ),
                migrations.RemoveField(
                    model_name='workflowlog',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='workflowlog',
                    name='content_type',
                ),
                migrations.DeleteModel(
                    name='ReviewStage',
                ),
                migrations.DeleteModel(
                    name='WorkflowLog',
                ),
                migrations.DeleteModel(
                    name='PendingInvalidation',
                ),
            ],
            database_operations=[],
        ),
    ]
