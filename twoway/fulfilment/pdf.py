"""The papers as PDF (reportlab): commercial invoice, packing list and a 4 × 6 in shipping label,
each with English and Simplified Chinese side by side.

English and Chinese are set in one embedded TrueType face (``twoway.core.pdffonts``: WenQuanYi
Micro Hei, installed by ``scripts/ensure-cjk-font.sh``), so any reader shows the Chinese; a line
too long for the page shrinks to fit rather than running off it.
Import orders (Chinese seller → US buyer) get the US-side papers: a commercial invoice with the
HTSUS 10-digit numbers, country of origin, values in USD, the duties and fees paid on the buyer's
behalf and the de minimis (Section 321) row in force; a label whose customs block carries the same
entry data (HTS numbers, origin, value, duties paid, whether de minimis applies).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from twoway.core.pdffonts import FONT

from .documents import Papers

LABEL_SIZE = (4 * inch, 6 * inch)
CENT = Decimal("0.01")


def _money(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    return f"{currency} {Decimal(value).quantize(CENT):,}"


def fitted(value: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The font size at most ``size`` at which ``value`` fits in ``width`` points (a long
    reference or a wide Chinese label shrinks instead of running off the page)."""
    needed = pdfmetrics.stringWidth(value, FONT, size)
    if needed <= width or needed == 0:
        return size
    return max(smallest, size * width / needed)


def described(title: str, variant: str, limit: int) -> str:
    """A line's description for a table cell: the title (at most ``limit`` characters) and the
    variant bought, whole, in brackets ("Farmstead Cheddar… (454 g · Orange)"), in a few more
    (the cell's type shrinks to fit). The packer picks by the variant, so it is the title that
    gives way, at a word, with an ellipsis."""
    if not variant:
        return title[:limit]
    room = max(12, limit + 6 - len(variant) - 3)
    if len(title) > room:
        cut = title[: room - 1]
        if title[len(cut)] != " " and " " in cut.strip():
            cut = cut.rsplit(" ", 1)[0]  # no half words
        title = cut.rstrip(" ,;-") + "…"
    return f"{title} ({variant})"


def zh_line(sku: str, title_zh: str, variant: str) -> str:
    """The Chinese name of a line under the table (its SKU, name and variant)."""
    return f"{sku}: {title_zh}" + (f"({variant})" if variant else "")


class _Page:
    """A small layout helper: a cursor going down an A4 page, a new page when full."""

    def __init__(self, canvas: Canvas, *, title: str, papers: Papers) -> None:
        self.c = canvas
        self.width, self.height = A4
        self.left = 18 * mm
        self.right = self.width - 18 * mm
        self.title = title
        self.papers = papers
        self.page = 0
        self._new_page()

    def _new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.y = self.height - 20 * mm
        corner = f"Twoway · {self.papers.order_number} · p. {self.page}"
        room = self.right - self.left - pdfmetrics.stringWidth(corner, FONT, 8) - 4 * mm
        self.c.setFont(FONT, fitted(self.title, 16, room))
        self.c.drawString(self.left, self.y, self.title)
        self.c.setFont(FONT, 8)
        self.c.drawRightString(self.right, self.y, corner)
        self.y -= 8 * mm

    def need(self, height: float) -> None:
        if self.y - height < 18 * mm:
            self._new_page()

    def text(self, x: float, value: str, size: float = 9) -> None:
        self.c.setFont(FONT, fitted(value, size, self.right - x))
        self.c.drawString(x, self.y, value)

    def line(self, value: str, size: float = 9, gap: float = 4.6 * mm) -> None:
        self.need(gap)
        self.text(self.left, value, size)
        self.y -= gap

    def rule(self) -> None:
        self.c.setStrokeColor(colors.grey)
        self.c.line(self.left, self.y + 2 * mm, self.right, self.y + 2 * mm)
        self.y -= 2 * mm

    def table(self, columns: Sequence[tuple[str, float, str]], rows: list[list[str]]) -> None:
        """``columns``: (header, width in mm, "l" or "r")."""

        def draw(cells: list[str], size: float) -> None:
            self.need(5 * mm)
            x = self.left
            for (_, width, align), cell in zip(columns, cells, strict=True):
                self.c.setFont(FONT, fitted(cell, size, width * mm - 1.5 * mm))
                if align == "r":
                    self.c.drawRightString(x + width * mm - 1 * mm, self.y, cell)
                else:
                    self.c.drawString(x, self.y, cell)
                x += width * mm
            self.y -= 4.6 * mm

        draw([c[0] for c in columns], 7.5)
        self.rule()
        for row in rows:
            draw(row, 8)
        self.rule()


def _parties(page: _Page, papers: Papers) -> None:
    s, c = papers.seller, papers.consignee
    page.line("Seller / Exporter 卖方 / 出口商", 8)
    page.line(f"{s.name}  {s.name_zh}".strip(), 10)
    for text in s.lines:
        page.line(text)
    if s.reference:
        label = "EIN" if papers.is_export else "USCC 统一社会信用代码"
        page.line(f"{label}: {s.reference}")
    page.y -= 2 * mm
    page.line("Consignee 收货人", 8)
    page.line(c.name, 10)
    for text in c.lines:
        page.line(text)
    if c.phone:
        page.line(f"Phone 电话: {c.phone}")
    if c.id_masked:
        page.line(f"Buyer ID (masked) 订购人身份证号(已遮蔽): {c.id_masked}")
    page.y -= 2 * mm


def _references(page: _Page, papers: Papers) -> None:
    page.line(
        f"Order 订单号: {papers.order_number}    Purchase 支付单: {papers.purchase_number}"
        f"    Date 日期: {papers.issued_on.isoformat()}"
    )
    if papers.is_export:
        refs = papers.refs
        if refs.declared:
            page.line(
                f"CBEC order (CEB311) 跨境电商订单: {refs.get('CEB311', 'orderNo')}  "
                f"e-commerce platform 电商平台 {refs.get('CEB311', 'ebpCode')}  "
                f"seller 电商企业 {refs.get('CEB311', 'ebcCode')}"
            )
            page.line(
                f"Waybill (CEB511) 物流运单号: {papers.waybill}  "
                f"logistics 物流企业 {refs.get('CEB511', 'logisticsCode')} "
                f"{refs.get('CEB511', 'logisticsName')}"
            )
            page.line(
                f"Payment (CEB411) 支付单: {refs.get('CEB411', 'payTransactionId')}  "
                f"{refs.get('CEB411', 'payName')}"
            )
        else:
            page.line("Not declared to China customs yet 尚未向海关申报", 9)
    if papers.tracking_number:
        page.line(
            f"Carrier 承运商: {papers.carrier_name or papers.carrier or '—'}   "
            f"Tracking 运单跟踪号: {papers.tracking_number}"
        )
    page.y -= 2 * mm


def commercial_invoice(papers: Papers) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Commercial invoice {papers.order_number}")
    if not papers.is_export:
        _us_invoice(canvas, papers)
        canvas.save()
        return buffer.getvalue()
    page = _Page(canvas, title="Commercial Invoice 商业发票", papers=papers)
    _references(page, papers)
    _parties(page, papers)
    page.line(
        "Country of origin 原产国: United States of America 美国    "
        "Destination 目的国: China 中国    Terms 贸易条款: DDP (CBEC retail 跨境电商零售进口)"
    )
    page.y -= 1 * mm
    rows = [
        [
            x.sku,
            described(x.title_en, x.variant, 34),
            x.hs_code,
            x.national_line,
            x.origin,
            str(x.quantity),
            f"{x.unit_price:,.2f}",
            f"{x.value:,.2f}",
            f"{x.customs_value_usd:,.2f}",
        ]
        for x in papers.lines
    ]
    columns = [
        # 174 mm: the page between its margins
        ("SKU 货号", 21, "l"),
        ("Description 品名", 50, "l"),
        ("HS", 12, "l"),
        ("CN line 税号", 17, "l"),
        ("Origin 产地", 13, "l"),
        ("Qty 数量", 11, "r"),
        (f"Unit 单价 {papers.currency}", 18, "r"),
        (f"Value 金额 {papers.currency}", 18, "r"),
        ("USD", 14, "r"),
    ]
    page.table(columns, rows)
    for x in papers.lines:
        if x.title_zh:
            page.line(zh_line(x.sku, x.title_zh, x.variant_zh), 8)
    page.y -= 2 * mm
    page.line(f"Goods value 货值: {_money(papers.goods_value, papers.currency)}")
    page.line(f"Freight and insurance 运费及保费: {_money(papers.freight, papers.currency)}")
    page.line(
        f"CBEC tax collected on the buyer's behalf 代收代缴跨境电商综合税: "
        f"{_money(papers.tax_total, papers.currency)}"
    )
    page.line(
        f"Total paid by the buyer 实付总额: {_money(papers.total_payable, papers.currency)}", 10
    )
    page.line(f"Customs value 申报价值: {_money(papers.customs_value_usd, 'USD')}")
    if papers.exchange_rate:
        page.line(
            f"Exchange rate 汇率: 1 USD = {papers.exchange_rate} CNY "
            f"({papers.exchange_rate_source[:90]})",
            7.5,
        )
    page.y -= 3 * mm
    page.line("We certify that this invoice is true and correct. 兹证明本发票内容真实无误。", 8)
    canvas.save()
    return buffer.getvalue()


def _us_invoice(canvas: Canvas, papers: Papers) -> None:
    page = _Page(canvas, title="Commercial Invoice (US import) 商业发票(美国进口)", papers=papers)
    page.line(f"Invoice 发票号: {papers.order_number}    Date 日期: {papers.issued_on.isoformat()}")
    page.line(
        "Port of entry 入境口岸: as declared by the carrier's customs broker 由承运商报关行申报", 8
    )
    page.y -= 1 * mm
    _parties(page, papers)
    page.line("Importer of record 进口记录人: Twoway (marketplace) for the consignee", 8)
    page.line(
        "Terms 贸易条款: DDP, US duties and fees paid by Twoway on the buyer's behalf "
        "完税后交货(平台代买家缴纳美国关税及费用)",
        8,
    )
    page.line("Country of origin 原产国: China 中国    Currency 币种: USD (US dollars 美元)")
    if papers.tracking_number:
        page.line(
            f"Carrier 承运商: {papers.carrier_name or papers.carrier or '—'}   "
            f"Tracking 运单跟踪号: {papers.tracking_number}"
        )
    page.y -= 1 * mm
    rows = [
        [
            x.sku,
            described(x.title_en, x.variant, 40),
            x.national_line or x.hs_code,
            "CN" + (f" ({x.origin[3:]})" if x.origin.startswith("CN-") else ""),
            str(x.quantity),
            f"{x.unit_price_usd:,.2f}",
            f"{x.customs_value_usd:,.2f}",
        ]
        for x in papers.lines
    ]
    columns = [
        ("SKU 货号", 24, "l"),
        ("Description 品名", 56, "l"),
        ("HTSUS (10) 美国税号", 26, "l"),
        ("Origin 原产", 18, "l"),
        ("Qty 数量", 14, "r"),
        ("Unit USD 单价", 16, "r"),
        ("Value USD 金额", 20, "r"),
    ]
    page.table(columns, rows)
    for x in papers.lines:
        if x.title_zh:
            page.line(zh_line(x.sku, x.title_zh, x.variant_zh), 8)
    page.y -= 2 * mm
    page.line(
        f"Total value 合计 (transaction value): {_money(papers.customs_value_usd, 'USD')}", 10
    )
    page.line(f"Freight 运费: {_money(papers.freight, papers.currency)}")
    page.line(
        "US duties and fees paid on the buyer's behalf 代买家缴纳的美国关税及费用: "
        f"{_money(papers.tax_total, papers.currency)}"
    )
    page.line(
        f"Total paid by the buyer 买家实付总额: {_money(papers.total_payable, papers.currency)}"
    )
    if papers.de_minimis:
        dm = papers.de_minimis
        state = (
            f"available up to USD {dm.threshold_usd}"
            if dm.available
            else "not available 不适用 (formal or informal entry 须正式/非正式报关)"
        )
        page.line(f"Section 321 de minimis 小额豁免: {state} — {dm.measure_id} {dm.label[:60]}", 8)
    page.line(
        "Invoice contents per 19 CFR 141.86; HTSUS statistical number 10 digits "
        "发票内容依据 19 CFR 141.86,美国税号为 10 位统计编号。",
        7.5,
    )
    page.y -= 3 * mm
    page.line("We certify that this invoice is true and correct. 兹证明本发票内容真实无误。", 8)


def packing_list(papers: Papers) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Packing list {papers.order_number}")
    page = _Page(canvas, title="Packing List 装箱单", papers=papers)
    _references(page, papers)
    _parties(page, papers)
    if papers.is_export:
        page.line("Country of origin 原产国: United States 美国    Destination 目的国: China 中国")
    else:
        page.line(
            "Country of origin 原产国: China 中国    Destination 目的国: United States 美国    "
            f"HTSUS 美国税号: {' '.join(papers.hts_lines)}"
        )
    if any(x.variant for x in papers.lines):
        # Variants: the size and colour to pick get a column of their own.
        rows = [
            [x.sku, x.title_en[:36], x.variant_both, x.title_zh[:14], str(x.quantity),
             f"{x.weight_kg:.3f}"]
            for x in papers.lines
        ]  # fmt: skip
        columns = [
            ("SKU 货号", 26, "l"),
            ("Description 品名", 56, "l"),
            ("Size / colour 规格", 34, "l"),
            ("中文品名", 28, "l"),
            ("Qty 数量", 12, "r"),
            ("Net kg 净重", 18, "r"),
        ]
    else:
        rows = [
            [x.sku, x.title_en[:44], x.title_zh[:18], str(x.quantity), f"{x.weight_kg:.3f}"]
            for x in papers.lines
        ]
        columns = [
            ("SKU 货号", 26, "l"),
            ("Description 品名", 72, "l"),
            ("中文品名", 40, "l"),
            ("Qty 数量", 14, "r"),
            ("Net kg 净重", 22, "r"),
        ]
    page.table(columns, rows)
    units = sum(x.quantity for x in papers.lines)
    page.line(
        f"Packages 件数: 1    Units 总数量: {units}    "
        f"Gross weight 毛重: {papers.gross_weight_kg} kg",
        10,
    )
    canvas.save()
    return buffer.getvalue()


def us_entry_lines(papers: Papers) -> list[str]:
    """The US customs block of an import's label: what US customs reads at entry."""
    dm = papers.de_minimis
    if dm is None:
        entry = "Entry 报关: no de minimis row in force 无小额豁免规定"
    elif dm.available and papers.customs_value_usd <= (dm.threshold_usd or 0):
        entry = f"Section 321 de minimis 小额豁免 (≤ USD {dm.threshold_usd}) {dm.measure_id}"
    else:
        entry = f"No de minimis 不适用小额豁免 ({dm.measure_id}): duties paid at entry 入境完税"
    hts = " ".join(papers.hts_lines)
    return [
        "US CUSTOMS 美国海关 · DDP duties paid 关税已付",
        f"HTS 美国税号 {hts}"[:64],
        f"Origin 原产国 CN China 中国   Units 件数 {papers.units}",
        f"Value 申报价值 USD {papers.customs_value_usd:,.2f}   "
        f"Duties+fees 关税及费用 USD {papers.tax_total:,.2f}",
        entry[:70],
    ]


def barcode_for(value: str) -> Code128:
    return Code128(value, barHeight=0.9 * inch, barWidth=0.011 * inch, humanReadable=False)


def shipping_label(papers: Papers) -> bytes:
    """A 4 × 6 in label: sender, consignee (ID masked), order and waybill, the tracking number
    as a Code 128 barcode with the number printed under it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE, invariant=True)
    canvas.setTitle(f"Shipping label {papers.order_number}")
    width, height = LABEL_SIZE
    x = 0.18 * inch
    y = height - 0.35 * inch

    def put(text: str, size: float = 8, gap: float = 0.16 * inch) -> None:
        nonlocal y
        canvas.setFont(FONT, size)
        canvas.drawString(x, y, text)
        y -= gap

    s, c = papers.seller, papers.consignee
    put("FROM 寄件人", 7)
    put(s.name[:48], 9)
    for text in s.lines:
        put(text[:60], 7.5, 0.14 * inch)
    canvas.line(x, y + 0.05 * inch, width - x, y + 0.05 * inch)
    y -= 0.08 * inch
    put("TO 收件人", 7)
    put(c.name[:30], 13, 0.24 * inch)
    for text in c.lines:
        put(text[:44], 9, 0.18 * inch)
    if c.phone:
        put(f"Tel 电话 {c.phone}", 9)
    if c.id_masked:
        put(f"ID 身份证 {c.id_masked}", 9)
    canvas.line(x, y + 0.05 * inch, width - x, y + 0.05 * inch)
    y -= 0.08 * inch
    put(f"Order 订单 {papers.order_number}", 8)
    if papers.waybill:
        put(f"CBEC waybill 跨境运单 {papers.waybill}", 8)
    carrier = papers.carrier_name or papers.carrier or "—"
    put(f"Weight 重量 {papers.gross_weight_kg} kg   Carrier 承运商 {carrier}", 8)
    if not papers.is_export:
        canvas.line(x, y + 0.05 * inch, width - x, y + 0.05 * inch)
        y -= 0.08 * inch
        for text in us_entry_lines(papers):
            put(text, 7.5, 0.14 * inch)
    value = papers.barcode_value
    caption = (
        "Tracking 跟踪号"
        if papers.tracking_number
        else "Waybill 运单号 (no tracking number yet 尚无跟踪号)"
    )
    barcode = barcode_for(value)
    bx = max((width - barcode.width) / 2, 0.1 * inch)
    barcode.drawOn(canvas, bx, 0.55 * inch)
    canvas.setFont(FONT, 11)
    canvas.drawCentredString(width / 2, 0.38 * inch, value)
    canvas.setFont(FONT, 7)
    canvas.drawCentredString(width / 2, 0.2 * inch, caption)
    canvas.save()
    return buffer.getvalue()


BUILDERS = {
    "invoice": commercial_invoice,
    "packing-list": packing_list,
    "label": shipping_label,
}


def paper_pdf(kind: str, papers: Papers) -> bytes:
    return BUILDERS[kind](papers)
