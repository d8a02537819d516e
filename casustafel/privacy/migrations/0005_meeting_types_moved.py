# Meeting types moved to `meeting_types` (see its 0001): the foreign keys point there now. State
# only: the tables and their columns stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meeting_types', '0001_house_configuration'),
        ('privacy', '0004_referral_retention'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='covenantmeetingrule',
                    name='meeting_type',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='covenant_rules', to='meeting_types.meetingtype', verbose_name='overlegtype'),
                ),
                migrations.AlterField(
                    model_name='destruction',
                    name='meeting_type',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='meeting_types.meetingtype', verbose_name='overlegtype'),
                ),
            ],
            database_operations=[],
        ),
    ]
