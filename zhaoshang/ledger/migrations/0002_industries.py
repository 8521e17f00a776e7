"""Load the GB/T 4754-2017 sections and divisions into Industry."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "gbt4754_2017.csv"


def _rows():
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Industry = apps.get_model("ledger", "Industry")
    for row in _rows():
        # update_or_create: a database that already holds some codes (typed in by
        # an administrator) is corrected rather than refused.
        Industry.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "section": row["section"]},
        )


def unload(apps, schema_editor):
    Industry = apps.get_model("ledger", "Industry")
    Industry.objects.filter(
        code__in=[row["code"] for row in _rows()], projects__isnull=True,
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
