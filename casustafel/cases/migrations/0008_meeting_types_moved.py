# Meeting types and criteria sets moved to `meeting_types` (see its 0001): the foreign keys point
# there now. State only: the tables and their columns stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_criteria_versioning'),
        ('meeting_types', '0001_house_configuration'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='triage',
                    name='criteria_version',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='triages', to='meeting_types.criteriasetversion', verbose_name='criteriaversie'),
                ),
                migrations.AlterField(
                    model_name='criterionverdict',
                    name='criterion',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='meeting_types.criterion', verbose_name='criterium'),
                ),
                migrations.AlterField(
                    model_name='case',
                    name='meeting_type',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='meeting_types.meetingtype', verbose_name='overlegtype'),
                ),
                migrations.AlterField(
                    model_name='referral',
                    name='meeting_type',
                    field=models.ForeignKey(blank=True, help_text='Het overleg waarvoor u aanmeldt; de triage kan een ander kiezen.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='meeting_types.meetingtype', verbose_name='gevraagd overlegtype'),
                ),
            ],
            database_operations=[],
        ),
    ]
