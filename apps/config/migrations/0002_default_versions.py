"""The first active version of the risk limits and of the trading config: the models' defaults.

Generous enough not to get in the way of a fresh install (one order up to 10,000,000 USDT, a 25 % price band,
600 orders a minute...), strict enough to stop a fat finger; an admin tightens them in the back office or
through PUT /api/config/risk-limits/. Idempotent: a version already active is left alone. Reversible: the
default versions are removed only while they are the only ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import migrations

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

COMMENT = "Defaults (migration 0002)"


def create_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("RiskLimits", "TradingConfig"):
        model = apps.get_model("config", name)
        if not model.objects.filter(is_active=True).exists():
            top = model.objects.order_by("-version").values_list("version", flat=True).first() or 0
            model.objects.create(version=top + 1, is_active=True, comment=COMMENT)


def delete_defaults(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in ("RiskLimits", "TradingConfig"):
        model = apps.get_model("config", name)
        if model.objects.exclude(comment=COMMENT).exists():
            continue
        model.objects.filter(comment=COMMENT).delete()


class Migration(migrations.Migration):
    dependencies = [("config", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, delete_defaults)]
