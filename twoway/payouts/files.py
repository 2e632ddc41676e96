"""A statement as CSV (formula-safe cells) and as PDF (English and Chinese labels)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from twoway.core.csvsafe import safe_writer
from twoway.core.pdffonts import FONT

from .selectors import StatementView

KIND_LABELS = {"order": "order paid 订单收款", "refund": "refund 退款"}


def statement_csv(view: StatementView) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(["statement", view.number or "range (not issued)"])
    writer.writerow(["seller", view.business_name])
    writer.writerow(["period", view.start.isoformat(), view.end.isoformat()])
    writer.writerow(["collected currency", view.collected_currency])
    writer.writerow(["payout currency", view.payout_currency])
    writer.writerow(
        [
            "exchange rate (CNY per USD)",
            view.rate,
            view.rate_from.isoformat() if view.rate_from else "",
            view.rate_source,
        ]
    )
    writer.writerow(["platform fee", view.fee_source])
    writer.writerow([])
    writer.writerow(
        [
            "kind",
            "reference",
            "order",
            "date (UTC)",
            "collected",
            "tax remitted",
            "platform fee",
            "net",
        ]
    )
    for row in view.rows:
        writer.writerow(
            [
                row.kind,
                row.reference,
                row.order_number,
                row.occurred_at.strftime("%Y-%m-%d %H:%M"),
                row.collected,
                row.tax,
                row.fee,
                row.net,
            ]
        )
    writer.writerow([])
    for label, value in (
        ("collected from buyers", view.collected),
        ("refunded to buyers", view.refunded),
        ("tax remitted on the buyers' behalf", view.tax),
        ("platform fee", view.fee),
        (f"net ({view.collected_currency})", view.net),
        (f"amount due ({view.payout_currency})", view.amount_due),
    ):
        writer.writerow([label, value])
    return out.getvalue()


def statement_pdf(view: StatementView) -> bytes:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=True)
    c.setTitle(f"Payout statement {view.number or 'range'}")
    width, height = A4
    left, y = 18 * mm, height - 20 * mm

    def put(text: str, size: float = 9, gap: float = 5 * mm, x: float | None = None) -> None:
        nonlocal y
        if y < 20 * mm:
            c.showPage()
            y = height - 20 * mm
        c.setFont(FONT, size)
        c.drawString(left if x is None else x, y, text)
        y -= gap

    cur, pay = view.collected_currency, view.payout_currency
    put("Payout statement 结算单", 16, 9 * mm)
    put(f"{view.business_name}  {view.business_name_zh}".strip(), 11)
    put(f"Statement 结算单号: {view.number or 'chosen range, not issued 所选期间(未出具)'}")
    put(f"Period 期间: {view.start.isoformat()} – {view.end.isoformat()} (UTC)")
    if view.issued_at:
        put(f"Issued 出具时间: {view.issued_at:%Y-%m-%d %H:%M} UTC")
    y -= 2 * mm
    for label, value in (
        (f"Collected from buyers 向买家收取 ({cur})", view.collected),
        (f"Refunded to buyers 退还买家 ({cur})", -view.refunded),
        (f"Tax remitted on the buyers' behalf 代缴税款 ({cur})", -view.tax),
        (f"Platform fee 平台服务费 ({cur})", -view.fee),
        (f"Net 净额 ({cur})", view.net),
    ):
        put(label, 10, 0)
        c.drawRightString(width - 18 * mm, y, f"{value:,.2f}")
        y -= 5.5 * mm
    put(f"Exchange rate 汇率: 1 USD = {view.rate} CNY, in force from 生效日 {view.rate_from}", 9)
    put(f"Source 来源: {view.rate_source[:110]}", 7)
    put(f"Platform fee 平台服务费: {view.fee_source[:120]}", 7)
    put(f"Amount due 应付金额 ({pay}): {view.amount_due:,.2f}", 13, 9 * mm)
    put("Orders and refunds 订单与退款", 10)
    columns = [
        ("Kind 类型", 0),
        ("Reference 编号", 34),
        ("Date 日期", 78),
        (f"Collected 收款 {cur}", 104),
        ("Tax 税款", 132),
        ("Fee 服务费", 150),
        ("Net 净额", 166),
    ]
    for label, offset in columns:
        c.setFont(FONT, 7.5)
        c.drawString(left + offset * mm, y, label)
    y -= 5 * mm
    for row in view.rows:
        if y < 20 * mm:
            c.showPage()
            y = height - 20 * mm
        values = [
            KIND_LABELS.get(row.kind, row.kind),
            row.reference,
            row.occurred_at.strftime("%Y-%m-%d"),
            f"{row.collected:,.2f}",
            f"{row.tax:,.2f}",
            f"{row.fee:,.2f}",
            f"{row.net:,.2f}",
        ]
        for (_, offset), cell in zip(columns, values, strict=True):
            c.setFont(FONT, 7.5)
            c.drawString(left + offset * mm, y, cell)
        y -= 4.6 * mm
    c.save()
    return buffer.getvalue()
