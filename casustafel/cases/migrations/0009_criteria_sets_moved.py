# The criteria sets now belong to `meeting_types` (its 0001 took over their tables); drop them
# from this app's state. State only: no table is dropped.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_meeting_types_moved'),
        ('meetings', '0002_meeting_types_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Criterion'),
                migrations.DeleteModel(name='CriteriaSetVersion'),
                migrations.DeleteModel(name='CriteriaSet'),
            ],
            database_operations=[],
        ),
    ]
