# Its own migration (and so its own transaction on PostgreSQL): the column becomes NOT NULL only after the
# rows of 0003 were filled and committed.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_api_token_expires_at"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(editable=False),
        ),
    ]
