"""Fills of orders the platform does not know: `order` becomes optional, `exchange_order_id` names the order
and `side` keeps the trade's side (the order's side otherwise).

History imports (apps.positions) record trades placed outside the platform with our key. Existing fills get
their order's exchange id and side copied, so every fill can be matched to the exchange's orderId the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def copy_order_ids(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_model = apps.get_model("orders", "Fill")
    order_model = apps.get_model("orders", "Order")
    order = order_model.objects.filter(pk=OuterRef("order_id"))
    fill_model.objects.filter(exchange_order_id__isnull=True).update(
        exchange_order_id=Subquery(order.values("exchange_order_id")[:1])
    )
    fill_model.objects.filter(side="", order__isnull=False).update(side=Subquery(order.values("side")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_reconcile_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="fill",
            name="exchange_order_id",
            field=models.BigIntegerField(
                blank=True,
                help_text="Binance's orderId of the trade's order (set by history imports)",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="fill",
            name="side",
            field=models.CharField(
                blank=True,
                choices=[("BUY", "Buy"), ("SELL", "Sell")],
                help_text="Empty: the order's side",
                max_length=4,
            ),
        ),
        migrations.AlterField(
            model_name="fill",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fills",
                to="orders.order",
            ),
        ),
        migrations.RunPython(copy_order_ids, migrations.RunPython.noop),
    ]
