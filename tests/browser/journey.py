"""What every journey test shares: one page per person that records each HTTP answer >= 400 and
each console error, checks a Chinese page for untranslated English, and saves screenshots of the
key pages in both languages under var/screenshots/<journey>/.

A Chinese page is "untranslated" when it shows a run of Latin words with an ordinary lower-case
word in it ("List a product", "Check eligibility") outside names, codes and units. Names and
originals are marked up with ``lang="en"`` (product titles, legal names), codes with ``.mono``;
runs of capitalised words (company and place names) and unit abbreviations pass.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

# The machine running the suite may be busy (parallel workers, other jobs): give each page and
# each expectation room before calling it a failure.
expect.set_options(timeout=15_000)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = "correct-horse-battery-staple-42"

#: Walks the text of the page (and the labels people read in attributes) and returns every run
#: of Latin words that is not a name, code or unit.
_UNTRANSLATED_JS = r"""
() => {
  const skip = '[lang]:not([lang^="zh"]), script, style, code, kbd, .mono, .brand-name, .who,'
             + ' [data-name], textarea, [data-i18n-skip]';
  const units = new Set(['kg', 'km', 'mi', 'lb', 'lbs', 'oz', 'ml', 'pcs', 'usd', 'cny', 'hs',
                         'sku', 'ein', 'uscc', 'id', 'csv', 'api', 'utc', 'fob', 'cif', 'pdf']);
  const run = /[A-Za-z][A-Za-z'’\-]*(?:[ \t\u00a0,.:;()\/&+]+[A-Za-z][A-Za-z'’\-]*)+/g;
  const bad = [];
  const check = (text, where) => {
    for (const m of text.matchAll(run)) {
      const words = m[0].split(/[^A-Za-z'’\-]+/).filter(Boolean);
      const plain = words.filter(w => /^[a-z]{3,}$/.test(w) && !units.has(w));
      if (plain.length) bad.push(`${where}: ${m[0].trim()}`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.getClientRects().length && !el.closest('details, option, select')) continue;
    check(node.textContent, el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], input[type=submit]')) {
    if (el.closest(skip)) continue;
    for (const attr of ['placeholder', 'aria-label', 'title', 'value']) {
      if (attr === 'value' && el.type !== 'submit') continue;
      const v = el.getAttribute(attr);
      if (v) check(v, `${el.tagName.toLowerCase()}[${attr}]`);
    }
  }
  check(document.title, 'title');
  return bad;
}
"""


class Journey:
    """One person in one browser context. ``problems`` collects what must fail the test."""

    def __init__(self, browser: Browser, base: str, name: str, *, locale: str = "en-US"):
        self.base = base
        self.name = name
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale=locale, device_scale_factor=1
        )
        self.context.set_default_timeout(30_000)
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self._allowed: set[int] = set()
        # Statuses a step expected and got: the browser's console echo of them can arrive after
        # the step has ended (it is asynchronous), and is not a problem either.
        self._expected_seen: set[int] = set()
        self._shots = 0
        self.page.on("console", self._on_console)
        self.page.on("response", self._on_response)
        self.page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        self.directory = SCREENSHOTS / name
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("*.png"):
            old.unlink()

    # --- what must fail the journey --------------------------------------------------------

    def _on_console(self, message) -> None:
        if message.type == "error":
            status = re.search(r"status of (\d{3})", message.text)
            if status and int(status.group(1)) in (self._allowed | self._expected_seen):
                return  # the browser's echo of an answer a step expected
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _on_response(self, response) -> None:
        if response.status in self._allowed:
            self._expected_seen.add(response.status)
        if response.status >= 400 and response.status not in self._allowed:
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    @contextlib.contextmanager
    def expecting(self, status: int):
        """A step where the person is meant to be refused (e.g. a form with a mistake)."""
        self._allowed.add(status)
        try:
            yield
        finally:
            self._allowed.discard(status)

    @property
    def language(self) -> str:
        return self.page.locator("html").get_attribute("lang") or ""

    def check_page(self) -> None:
        """Run on every key page: a Chinese page must not show untranslated English."""
        if self.language.startswith("zh"):
            found = self.page.evaluate(_UNTRANSLATED_JS)
            for item in found:
                self.problems.append(f"untranslated on {self.page.url}: {item}")

    def assert_header_on_one_line(self) -> None:
        """At 1,280 px the header (brand, navigation, language, account links) fits one row."""
        height = self.page.locator(".site-header").bounding_box()["height"]
        assert height < 80, f"the header wraps: {height}px tall on {self.page.url}"

    def finish(self) -> None:
        self.context.close()
        assert not self.problems, "\n".join(self.problems)

    # --- moving around ---------------------------------------------------------------------

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.check_page()
        return self.page

    def log_in(self, username: str, next_path: str = "/", password: str = PASSWORD) -> None:
        self.page.goto(f"{self.base}/login/?next={next_path}")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.locator("form.stack button[type=submit]").click()
        self.page.wait_for_url(self.base + next_path)
        self.check_page()

    def wait_for_order_status(self, status: str, timeout_s: int = 30) -> None:
        """Reload the purchase page until its order shows ``status`` (customs answers after the
        payment, in the background)."""
        import time

        deadline = time.monotonic() + timeout_s
        locator = self.page.locator(f'[data-testid=order][data-status="{status}"]')
        while time.monotonic() < deadline:
            if locator.count():
                self.check_page()
                return
            self.page.wait_for_timeout(500)
            self.page.reload()
        raise AssertionError(f"order did not reach {status} within {timeout_s}s")

    def switch_language(self, code: str) -> None:
        """Press the header's language button (it returns to the same page)."""
        self.page.locator(f"button[name=language][value={code}]").click()
        self.page.wait_for_load_state()
        expected = "zh" if code == "zh-hans" else "en"
        assert self.language.startswith(expected), self.language

    def shot(self, name: str, *, number: int | None = None) -> int:
        if number is None:
            self._shots += 1
            number = self._shots
        lang = "zh" if self.language.startswith("zh") else "en"
        path = self.directory / f"{number:02d}-{name}-{lang}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return number

    def shot_both(self, name: str) -> None:
        """Screenshot this page in its language, then in the other one (checked too), and come
        back. Only for pages reached by GET (the language switch reloads the address)."""
        self.check_page()
        number = self.shot(name)
        here = "zh-hans" if self.language.startswith("zh") else "en"
        other = "en" if here == "zh-hans" else "zh-hans"
        self.switch_language(other)
        self.check_page()
        self.shot(name, number=number)
        self.switch_language(here)


def money(text: str) -> str:
    """Collapse whitespace in a money cell's text."""
    return re.sub(r"\s+", " ", text).strip()


# --- steps a buyer in China takes (the pages are in Chinese) ----------------------------------


def fill_consignee_cn(page: Page, name: str, phone: str, address: str, district: str = "") -> None:
    """The checkout's consignee fields: who receives the parcel, and where."""
    page.get_by_label("收件人").fill(name)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("收货地址").fill(address)
    if district:
        page.get_by_label("行政区划代码（6 位，可不填）").fill(district)


def pay_with_alipay_cn(j: Journey, total: str) -> str:
    """From the pay page (after 提交订单): the total shown, Alipay (sandbox) chosen, paid in the
    sandbox wallet; back on the purchase page. Returns the purchase number."""
    page = j.page
    page.wait_for_url(re.compile(r"/cn/purchases/TP[0-9A-F]+/pay/$"))
    found = re.search(r"/cn/purchases/(TP[0-9A-F]+)/pay/", page.url)
    assert found is not None, page.url
    number = found.group(1)
    assert page.locator("[data-testid=pay-total]").inner_text() == total
    j.check_page()
    page.get_by_label("支付宝（沙箱）").check()
    page.get_by_role("button", name=f"支付 {total}").click()
    page.wait_for_url(f"{j.base}/payments/sandbox/alipay/gateway.do")
    page.locator("button[name=confirm]").click()
    page.wait_for_url(f"{j.base}/cn/purchases/{number}/")
    return number


def buy_import_by_card_us(j: Journey) -> tuple[str, str]:
    """From a US import product page: one to the cart, check out to Maria Lopez in Madison, WI,
    pay with the sandbox card. Returns (purchase number, cart total) once the purchase page shows
    the order paid with that total."""
    page = j.page
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{j.base}/us/cart/")
    total = page.locator("[data-testid=cart-total]").inner_text()
    j.shot_both("import-cart")
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url(f"{j.base}/us/checkout/")
    page.get_by_label("Full name").fill("Maria Lopez")
    page.get_by_label("Phone").fill("608-555-0100")
    page.get_by_label("Street address, city and ZIP code").fill("1 State St, Madison, WI 53703")
    page.get_by_label("State").select_option("WI")
    j.shot("import-checkout")
    page.get_by_role("button", name=re.compile("Place order|Continue")).click()
    page.wait_for_url(re.compile(r"/us/purchases/TP[0-9A-F]+/pay/$"))
    found = re.search(r"/us/purchases/(TP[0-9A-F]+)/pay/", page.url)
    assert found is not None, page.url
    number = found.group(1)
    j.check_page()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{j.base}/payments/sandbox/card/pay/")
    page.locator("button[name=confirm]").click()
    page.wait_for_url(f"{j.base}/us/purchases/{number}/")
    page.wait_for_timeout(300)
    page.reload()
    expect(page.locator("[data-testid=order]")).to_have_attribute("data-status", "paid")
    expect(page.locator("[data-testid=order-total]")).to_have_text(total)
    return number, total
