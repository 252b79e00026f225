from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_append_only_trigger")]

    operations: list = []
