"""The four roles as groups, and the six real work points of Attachment 1."""

from django.db import migrations

ROLES = ("社区工作人员", "工作点点长", "综治办", "领导小组")
WORK_POINTS = (
    ("缺塘点", "范华竹"),
    ("苏内点", "吴汉仁"),
    ("后林点", "蔡云飞"),
    ("社店点", "颜远猛"),
    ("梧垵点", "杨利新"),
    ("福埔点", "闫正刚"),
)


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    WorkPoint = apps.get_model("communities", "WorkPoint")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    for position, (name, leader) in enumerate(WORK_POINTS, start=1):
        WorkPoint.objects.get_or_create(
            name=name, defaults={"leader_name": leader, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("communities", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
