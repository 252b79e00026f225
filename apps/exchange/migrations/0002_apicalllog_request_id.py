from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apicalllog",
            name="request_id",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
    ]
