"""The store's data in db.json's shape: rows from a snapshot, and a snapshot from the rows.

A snapshot is the plain JSON document ({"products", "users", "orders"}). Loading and exporting
are exact inverses, so two end states can be compared field by field as the benchmark does.
Keys that an action adds to an order (cancel_reason, return_items, ...) are written only when
set, as in the file.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table, select

from relaydesk.packs.retail.backend import tables as t

Snapshot = dict[str, Any]
Row = dict[str, Any]
ADDRESS_FIELDS = ("address1", "address2", "city", "country", "state", "zip")
_ORDER_EXTRAS = (
    "cancel_reason",
    "return_items",
    "return_payment_method_id",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
)


def to_cents(amount: float) -> int:
    """A two-decimal amount from the file in cents (52.88 -> 5288)."""
    return round(amount * 100)


def from_cents(cents: int) -> float:
    """Cents back to the file's amount; 5288 / 100 is the same float as 52.88."""
    return cents / 100


def snapshot_rows(snapshot: Snapshot) -> dict[str, list[Row]]:
    """Every table's rows for a snapshot, keyed by table name."""
    rows: dict[str, list[Row]] = {table.name: [] for table in t.TABLE_ORDER}
    for position, product in enumerate(snapshot["products"].values()):
        _product_rows(rows, product, position)
    for position, user in enumerate(snapshot["users"].values()):
        _user_rows(rows, user, position)
    user_positions = {
        order_id: index
        for user in snapshot["users"].values()
        for index, order_id in enumerate(user["orders"])
    }
    for position, order in enumerate(snapshot["orders"].values()):
        _order_rows(rows, order, position, user_positions.get(order["order_id"], 0))
    return rows


def _product_rows(rows: dict[str, list[Row]], product: Any, position: int) -> None:
    rows[t.products.name].append(
        {"product_id": product["product_id"], "name": product["name"], "position": position}
    )
    for index, variant in enumerate(product["variants"].values()):
        rows[t.variants.name].append({
            "item_id": variant["item_id"],
            "product_id": product["product_id"],
            "options": variant["options"],
            "available": variant["available"],
            "price_cents": to_cents(variant["price"]),
            "position": index,
        })


def _user_rows(rows: dict[str, list[Row]], user: Any, position: int) -> None:
    rows[t.users.name].append({
        "user_id": user["user_id"],
        "first_name": user["name"]["first_name"],
        "last_name": user["name"]["last_name"],
        "email": user["email"],
        **{field: user["address"][field] for field in ADDRESS_FIELDS},
        "position": position,
    })
    for index, method in enumerate(user["payment_methods"].values()):
        balance = method.get("balance")
        rows[t.payment_methods.name].append({
            "payment_method_id": method["id"],
            "user_id": user["user_id"],
            "source": method["source"],
            "brand": method.get("brand"),
            "last_four": method.get("last_four"),
            "balance_cents": None if balance is None else to_cents(balance),
            "position": index,
        })


def _order_rows(rows: dict[str, list[Row]], order: Any, position: int, user_position: int) -> None:
    difference = order.get("exchange_price_difference")
    rows[t.orders.name].append({
        "order_id": order["order_id"],
        "user_id": order["user_id"],
        **{field: order["address"][field] for field in ADDRESS_FIELDS},
        "status": order["status"],
        **{key: order.get(key) for key in _ORDER_EXTRAS},
        "exchange_price_difference_cents": None if difference is None else to_cents(difference),
        "position": position,
        "user_position": user_position,
    })
    order_id = order["order_id"]
    for index, item in enumerate(order["items"]):
        rows[t.order_items.name].append({
            "order_id": order_id, "position": index, "item_id": item["item_id"],
            "product_id": item["product_id"], "name": item["name"],
            "price_cents": to_cents(item["price"]), "options": item["options"],
        })
    for index, fulfillment in enumerate(order["fulfillments"]):
        rows[t.fulfillments.name].append({
            "order_id": order_id, "position": index,
            "tracking_ids": fulfillment["tracking_id"], "item_ids": fulfillment["item_ids"],
        })
    for index, payment in enumerate(order["payment_history"]):
        rows[t.payments.name].append({
            "order_id": order_id, "position": index,
            "transaction_type": payment["transaction_type"],
            "amount_cents": to_cents(payment["amount"]),
            "payment_method_id": payment["payment_method_id"],
        })


def _all(conn: Connection, table: Table, *order_by: str) -> list[Row]:
    query = select(table).order_by(*(table.c[name] for name in order_by))
    return [dict(row._mapping) for row in conn.execute(query)]


def _grouped(rows: list[Row], key: str) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def export_snapshot(conn: Connection) -> Snapshot:
    """The store's current data in db.json's shape."""
    return {
        "products": _export_products(conn),
        "users": _export_users(conn),
        "orders": _export_orders(conn),
    }


def _export_products(conn: Connection) -> dict[str, Any]:
    variants = _grouped(_all(conn, t.variants, "product_id", "position"), "product_id")
    return {
        product["product_id"]: {
            "name": product["name"],
            "product_id": product["product_id"],
            "variants": {
                variant["item_id"]: {
                    "item_id": variant["item_id"],
                    "options": variant["options"],
                    "available": variant["available"],
                    "price": from_cents(variant["price_cents"]),
                }
                for variant in variants[product["product_id"]]
            },
        }
        for product in _all(conn, t.products, "position")
    }


def payment_method_view(row: Row) -> dict[str, Any]:
    """A payment method as the file writes it: only the fields its kind has."""
    view: dict[str, Any] = {"source": row["source"]}
    if row["brand"] is not None:
        view["brand"] = row["brand"]
    if row["last_four"] is not None:
        view["last_four"] = row["last_four"]
    if row["balance_cents"] is not None:
        view["balance"] = from_cents(row["balance_cents"])
    view["id"] = row["payment_method_id"]
    return view


def _export_users(conn: Connection) -> dict[str, Any]:
    methods = _grouped(_all(conn, t.payment_methods, "user_id", "position"), "user_id")
    orders = _grouped(_all(conn, t.orders, "user_id", "user_position"), "user_id")
    return {
        user["user_id"]: {
            "user_id": user["user_id"],
            "name": {"first_name": user["first_name"], "last_name": user["last_name"]},
            "address": {field: user[field] for field in ADDRESS_FIELDS},
            "email": user["email"],
            "payment_methods": {
                method["payment_method_id"]: payment_method_view(method)
                for method in methods[user["user_id"]]
            },
            "orders": [order["order_id"] for order in orders[user["user_id"]]],
        }
        for user in _all(conn, t.users, "position")
    }


def _export_orders(conn: Connection) -> dict[str, Any]:
    items = _grouped(_all(conn, t.order_items, "order_id", "position"), "order_id")
    shipped = _grouped(_all(conn, t.fulfillments, "order_id", "position"), "order_id")
    paid = _grouped(_all(conn, t.payments, "order_id", "position"), "order_id")
    return {
        order["order_id"]: order_view(
            order, items[order["order_id"]], shipped[order["order_id"]], paid[order["order_id"]]
        )
        for order in _all(conn, t.orders, "position")
    }


def order_view(order: Row, items: list[Row], shipped: list[Row], paid: list[Row]) -> Any:
    """One order in the file's shape, from its row and its items, shipments and payments."""
    view: dict[str, Any] = {
        "order_id": order["order_id"],
        "user_id": order["user_id"],
        "address": {field: order[field] for field in ADDRESS_FIELDS},
        "items": [
            {"name": item["name"], "product_id": item["product_id"], "item_id": item["item_id"],
             "price": from_cents(item["price_cents"]), "options": item["options"]}
            for item in items
        ],
        "status": order["status"],
        "fulfillments": [
            {"tracking_id": row["tracking_ids"], "item_ids": row["item_ids"]} for row in shipped
        ],
        "payment_history": [
            {"transaction_type": row["transaction_type"],
             "amount": from_cents(row["amount_cents"]),
             "payment_method_id": row["payment_method_id"]}
            for row in paid
        ],
    }
    view.update({key: order[key] for key in _ORDER_EXTRAS if order[key] is not None})
    if order["exchange_price_difference_cents"] is not None:
        view["exchange_price_difference"] = from_cents(order["exchange_price_difference_cents"])
    return view
