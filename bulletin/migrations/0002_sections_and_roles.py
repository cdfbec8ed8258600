from django.contrib.auth.management import create_permissions
from django.db import migrations

SECTIONS = [
    ("要情快报", "yaoqingkuaibao", 10, "省科协领导活动、重要会议与工作部署。"),
    ("学教动态", "xuejiaodongtai", 20, "各单位学习教育活动的进展。"),
    ("科协动态", "kexiedongtai", 30, "省科协机关与所属单位的工作消息。"),
    ("基层风采", "jicengfengcai", 40, "市县科协和基层组织的活动。"),
    ("科海观澜", "kehaiguanlan", 50, "科普文章与科技观察。"),
]

CONTENT_MODELS = [
    ("bulletin", "article"),
    ("bulletin", "articleperson"),
    ("bulletin", "articlephoto"),
    ("bulletin", "topic"),
    ("people", "person"),
    ("events", "event"),
]
STRUCTURE_MODELS = [("bulletin", "issue"), ("bulletin", "section")]

ROLES = {
    # Editors write and assemble; they see issues and sections but do not manage them.
    "编辑": [(m, a) for m in CONTENT_MODELS for a in ("view", "add", "change")]
    + [(("bulletin", "articleperson"), "delete"), (("bulletin", "articlephoto"), "delete")]
    + [(m, "view") for m in STRUCTURE_MODELS],
    # Reviewers read everything and may correct an article while reviewing it.
    "审核": [(m, "view") for m in CONTENT_MODELS + STRUCTURE_MODELS] + [(("bulletin", "article"), "change")],
    # The editor-in-chief manages issues and sections as well as all content.
    "主编": [
        (m, a) for m in CONTENT_MODELS + STRUCTURE_MODELS for a in ("view", "add", "change", "delete")
    ],
}


def seed(apps, schema_editor):
    Section = apps.get_model("bulletin", "Section")
    for name, slug, order, description in SECTIONS:
        Section.objects.get_or_create(name=name, defaults={"slug": slug, "order": order, "description": description})

    # Permissions are normally created after all migrations have run; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for (app_label, model), action in grants:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("bulletin", "0001_initial"),
        ("people", "0001_initial"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
