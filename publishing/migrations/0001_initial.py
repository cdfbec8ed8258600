"""The review stages, the workflow log and the page cache's pending invalidations move here from
bulletin with their rows: the tables are taken over as they are (renamed in 0002), and so are
the content types, with the permissions attached to them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("reviewstage", "workflowlog", "pendinginvalidation")


def move_content_types(apps, schema_editor, source="bulletin", target="publishing"):
    """The models keep their content types, and so the permissions groups hold on them."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="publishing", target="bulletin")



class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bulletin", "0017_pending_invalidation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PendingInvalidation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tags', models.JSONField(verbose_name='缓存标签')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='记录时间')),
                        ('attempts', models.PositiveIntegerField(default=0, verbose_name='已尝试次数')),
                    ],
                    options={
                        'db_table': 'bulletin_pendinginvalidation',
                        'verbose_name': '待失效的页面缓存',
                        'verbose_name_plural': '待失效的页面缓存',
                    },
                ),
                migrations.CreateModel(
                    name='ReviewStage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=20, unique=True, verbose_name='审核环节')),
                        ('order', models.PositiveSmallIntegerField(help_text='稿件按数字从小到大依次经过各环节', unique=True, verbose_name='顺序')),
                        ('group', models.ForeignKey(help_text='只有这个组的成员可以决定本环节', on_delete=django.db.models.deletion.PROTECT, to='auth.group', verbose_name='审核人所在组')),
                    ],
                    options={
                        'db_table': 'bulletin_reviewstage',
                        'verbose_name': '审核环节',
                        'verbose_name_plural': '审核环节',
                        'ordering': ['order'],
                    },
                ),
                migrations.CreateModel(
                    name='WorkflowLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField(verbose_name='内容编号')),
                        ('action', models.CharField(max_length=20, verbose_name='操作')),
                        ('from_status', models.CharField(choices=[('draft', '草稿'), ('in_review', '待审'), ('approved', '已通过'), ('published', '已发布'), ('withdrawn', '已撤稿')], max_length=16, verbose_name='原状态')),
                        ('to_status', models.CharField(choices=[('draft', '草稿'), ('in_review', '待审'), ('approved', '已通过'), ('published', '已发布'), ('withdrawn', '已撤稿')], max_length=16, verbose_name='新状态')),
                        ('stage_name', models.CharField(blank=True, max_length=20, verbose_name='审核环节名称')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                        ('comment', models.TextField(blank=True, verbose_name='意见')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype', verbose_name='内容类型')),
                        ('stage', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='publishing.reviewstage', verbose_name='审核环节')),
                    ],
                    options={
                        'db_table': 'bulletin_workflowlog',
                        'verbose_name': '流程记录',
                        'verbose_name_plural': '流程记录',
                        'ordering': ['at', 'pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', 'at'], name='workflowlog_subject')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_back),
    ]
