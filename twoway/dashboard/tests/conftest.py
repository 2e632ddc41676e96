from twoway.ledger.tests.conftest import cn_seller, make_order, us_seller  # noqa: F401
