from django.db import migrations, models


def alt_from_caption(apps, schema_editor):
    """Existing photos get their caption as a first description, or the article's title if they have none."""
    ArticlePhoto = apps.get_model("bulletin", "ArticlePhoto")
    max_length = ArticlePhoto._meta.get_field("alt").max_length
    for photo in ArticlePhoto.objects.select_related("article").filter(alt="").iterator():
        photo.alt = (photo.caption or f"《{photo.article.title}》配图")[:max_length]
        photo.save(update_fields=["alt"])


class Migration(migrations.Migration):
    dependencies = [
        ("bulletin", "0008_public_images"),
    ]

    operations = [
        migrations.AddField(
            model_name="articlephoto",
            name="alt",
            field=models.CharField(
                default="",
                help_text="为看不到图片的读者（使用读屏软件或图片未能加载）描述画面内容，如“科技工作者在田间查看小麦长势”；"
                "不要只写“图片”或重复标题",
                max_length=300,
                verbose_name="替代文字",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(alt_from_caption, migrations.RunPython.noop, elidable=True),
    ]
