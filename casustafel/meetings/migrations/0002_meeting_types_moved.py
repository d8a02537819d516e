# Meeting types and input requirements now belong to `meeting_types` (its 0001 took over their
# tables); drop them from this app's state once nothing points here any more. State only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_meeting_types_moved'),
        ('meetings', '0001_initial'),
        ('privacy', '0005_meeting_types_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='InputRequirement'),
                migrations.DeleteModel(name='MeetingType'),
            ],
            database_operations=[],
        ),
    ]
