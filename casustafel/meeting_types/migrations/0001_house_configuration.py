"""Meeting types, input requirements and criteria sets move here from `meetings` and `cases`.

The tables stay where they are (the models name them in `db_table`), so only Django's idea of
which app owns them changes: the models are created in the state alone, the old apps drop them
from their state in their own migrations (cases 0008/0009, privacy 0005, meetings 0002), and the
content types follow so that their ids (and permissions) stay the same.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = {
    "meetings": ("meetingtype", "inputrequirement"),
    "cases": ("criteriaset", "criteriasetversion", "criterion"),
}


def move_content_types(apps, schema_editor, forward=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, models_ in MOVED.items():
        source, target = (old_app, "meeting_types") if forward else ("meeting_types", old_app)
        for model in models_:
            if not ContentType.objects.filter(app_label=target, model=model).exists():
                ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('cases', '0007_criteria_versioning'),
        ('meetings', '0001_initial'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CriteriaSet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='gewijzigd op')),
                        ('name', models.CharField(max_length=120, verbose_name='naam')),
                        ('house', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='criteria_sets', to='organisations.safetyhouse', verbose_name='Zorg- en Veiligheidshuis')),
                    ],
                    options={
                        'verbose_name': 'criteriaset',
                        'verbose_name_plural': 'criteriasets',
                        'db_table': 'cases_criteriaset',
                        'ordering': ['house', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='CriteriaSetVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='gewijzigd op')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='versie')),
                        ('number', models.PositiveIntegerField(verbose_name='versienummer')),
                        ('combinator', models.CharField(choices=[('all', 'alle onderdelen (EN)'), ('any', 'minstens één onderdeel (OF)')], default='all', help_text='Moeten alle criteria gelden, of is één genoeg?', max_length=5, verbose_name='toelating')),
                        ('change_note', models.TextField(blank=True, verbose_name='toelichting op de wijziging')),
                        ('source', models.CharField(blank=True, help_text='Bijv. Werkinstructie maart 2014.', max_length=200, verbose_name='bron')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='in gebruik sinds')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='vastgesteld door')),
                        ('criteria_set', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='meeting_types.criteriaset', verbose_name='criteriaset')),
                    ],
                    options={
                        'verbose_name': 'versie van criteriaset',
                        'verbose_name_plural': 'versies van criteriasets',
                        'db_table': 'cases_criteriasetversion',
                        'ordering': ['criteria_set', '-number'],
                    },
                ),
                migrations.CreateModel(
                    name='Criterion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(help_text='Bijv. a, b, a1.', max_length=12, verbose_name='code')),
                        ('label', models.CharField(max_length=300, verbose_name='korte omschrijving')),
                        ('text', models.TextField(verbose_name='volledige tekst')),
                        ('combinator', models.CharField(blank=True, choices=[('all', 'alle onderdelen (EN)'), ('any', 'minstens één onderdeel (OF)')], help_text='Leeg voor een criterium zonder onderdelen.', max_length=5, verbose_name='samenstelling')),
                        ('position', models.PositiveSmallIntegerField(default=0, verbose_name='volgorde')),
                        ('revision', models.PositiveIntegerField(default=1, editable=False, verbose_name='revisie')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='children', to='meeting_types.criterion', verbose_name='onderdeel van')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='meeting_types.criteriasetversion', verbose_name='versie')),
                    ],
                    options={
                        'verbose_name': 'criterium',
                        'verbose_name_plural': 'criteria',
                        'db_table': 'cases_criterion',
                        'ordering': ['version', 'position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='MeetingType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='gewijzigd op')),
                        ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='versie')),
                        ('name', models.CharField(max_length=120, verbose_name='naam')),
                        ('goals', models.TextField(blank=True, help_text='Waarvoor dit overleg bestaat; getoond bij aanmelden en triage.', verbose_name='doelen')),
                        ('first_contact_hours', models.PositiveIntegerField(default=48, help_text='Binnen hoeveel uur na aanmelding het huis contact opneemt met de aanmelder.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1440)], verbose_name='norm eerste contact (uren)')),
                        ('retention_years', models.PositiveIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(20)], verbose_name='bewaartermijn (jaren na afsluiten)')),
                        ('privacy_reminder', models.TextField(blank=True, help_text='Wordt aan het begin van het overleg voorgelezen of getoond: wat mag hier gedeeld worden.', verbose_name='privacy-instructie')),
                        ('is_active', models.BooleanField(default=True, verbose_name='actief')),
                        ('criteria_set', models.ForeignKey(blank=True, help_text='De toelatingscriteria waarop aanmeldingen voor dit overleg worden gewogen.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='meeting_types', to='meeting_types.criteriaset', verbose_name='criteriaset')),
                        ('house', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meeting_types', to='organisations.safetyhouse', verbose_name='Zorg- en Veiligheidshuis')),
                    ],
                    options={
                        'verbose_name': 'overlegtype',
                        'verbose_name_plural': 'overlegtypen',
                        'db_table': 'meetings_meetingtype',
                        'ordering': ['house', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='InputRequirement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requirement', models.CharField(choices=[('concern_described', 'De zorg is beschreven'), ('subject_known', 'De hoofdpersoon is bekend (naam en geboortedatum)'), ('household_complete', 'Alle betrokkenen hebben een rol in de casus'), ('life_domains', 'Problemen op minimaal het aantal leefgebieden'), ('prior_actions', 'Wat al is gedaan (en door wie) is beschreven'), ('response_term', 'De gewenste reactietermijn is gekozen'), ('sources', 'Van elke uitspraak is de bron vastgelegd'), ('municipality', 'De woongemeente is gekozen'), ('consent', 'Vastgelegd of de betrokkene weet dat informatie wordt gedeeld')], max_length=30, verbose_name='eis')),
                        ('stage', models.CharField(choices=[('before_triage', 'vóór triage'), ('before_agenda', 'vóór agendering')], default='before_triage', max_length=20, verbose_name='moment')),
                        ('minimum', models.PositiveSmallIntegerField(default=1, help_text='Alleen voor leefgebieden: het minimale aantal leefgebieden met problemen.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(14)], verbose_name='minimum')),
                        ('meeting_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='input_requirements', to='meeting_types.meetingtype', verbose_name='overlegtype')),
                    ],
                    options={
                        'verbose_name': 'inputeis',
                        'verbose_name_plural': 'inputeisen',
                        'db_table': 'meetings_inputrequirement',
                        'ordering': ['meeting_type', 'stage', 'requirement'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='criteriaset',
                    constraint=models.UniqueConstraint(fields=('house', 'name'), name='criteria_set_unique_name'),
                ),
                migrations.AddConstraint(
                    model_name='criteriasetversion',
                    constraint=models.UniqueConstraint(fields=('criteria_set', 'number'), name='criteria_version_unique_number'),
                ),
                migrations.AddConstraint(
                    model_name='criterion',
                    constraint=models.UniqueConstraint(fields=('version', 'code'), name='criterion_unique_code'),
                ),
                migrations.AddConstraint(
                    model_name='meetingtype',
                    constraint=models.UniqueConstraint(fields=('house', 'name'), name='meeting_type_unique_name_per_house'),
                ),
                migrations.AddConstraint(
                    model_name='inputrequirement',
                    constraint=models.UniqueConstraint(fields=('meeting_type', 'requirement'), name='input_requirement_unique_check'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
