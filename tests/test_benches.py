"""The benchmarks under bench/ run against PostgreSQL for minutes, so CI does not run them; these
checks keep them from rotting when the code they drive moves. Every bench module imports; every
import of ``twoway``, ``bench`` or ``django`` in them resolves, wherever it is (most sit inside
functions, after ``django_setup``, where importing the module does not reach them); and the cheap
parts run: the generated import file passes the catalogue import's check on SQLite, the checkout
bench's identity numbers are valid, the search bench draws its queries, the alternatives bench
sizes its headings, the dashboard bench builds the ledger's inputs."""

from __future__ import annotations

import ast
import importlib
import random
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
MODULES = sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")
CHECKED_ROOTS = {"twoway", "bench", "django"}


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of every absolute import of ours in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in CHECKED_ROOTS:
                found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in CHECKED_ROOTS:
                    found.append((node.lineno, alias.name, []))
    return found


def test_the_benches_are_found():
    assert {"bulk_import", "checkout", "search", "alternatives", "dashboard", "seed"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_a_bench_module_imports_and_every_import_in_it_resolves(name):
    importlib.import_module(f"bench.{name}")
    broken = []
    for line, module, names in _imports(BENCH / f"{name}.py"):
        try:
            imported = importlib.import_module(module)
        except ImportError as exc:
            broken.append(f"bench/{name}.py:{line}: import {module} ({exc})")
            continue
        for attribute in names:
            if hasattr(imported, attribute):
                continue
            try:
                importlib.import_module(f"{module}.{attribute}")
            except ImportError:
                broken.append(f"bench/{name}.py:{line}: from {module} import {attribute}")
    assert broken == []


@pytest.mark.django_db
def test_the_bulk_import_bench_file_passes_the_import_check():
    from bench.bulk_import import HEADER, _file
    from twoway.businesses.models import Membership
    from twoway.businesses.tests.factories import UsBusinessFactory
    from twoway.catalog.bulk import services as bulk
    from twoway.catalog.bulk import writing
    from twoway.catalog.models import Product
    from twoway.identity.tests.factories import SellerFactory

    data = _file(20)
    assert data.decode("utf-8").splitlines()[0] == ",".join(HEADER)
    business = UsBusinessFactory()  # in Iowa, as the file's origin_region says
    user = SellerFactory()
    Membership.objects.create(user=user, business=business)
    job = bulk.import_job_create(business=business, by=user, file_name="bench.csv", data=data)
    plan = bulk.check(job, data)
    assert plan.errors == []
    assert len(plan.new) == 20
    # The bench's raw COPY baseline writes these rows column by column.
    rows = writing._product_rows(business, plan.new)
    columns = {f.attname for f in Product._meta.concrete_fields}
    assert len(rows) == 20
    assert set(rows[0]) <= columns


def test_the_checkout_bench_makes_valid_identity_numbers():
    from stdnum.cn import ric

    from bench.checkout import _id_numbers

    numbers = _id_numbers(5)
    assert len(set(numbers)) == 5
    assert all(ric.is_valid(n) for n in numbers)


def test_the_search_bench_draws_its_queries():
    from bench.search import queries

    drawn = queries(40, seed=1)
    assert len(drawn) == 40
    assert {market for _q, market, _kind in drawn} <= {"cn_export", "us_import"}
    assert all(q.strip() for q, _market, _kind in drawn)


def test_the_alternatives_bench_sizes_every_heading():
    from bench.alternatives import _headings, _title

    rng = random.Random(1)
    headings, sizes, subheadings = _headings(rng, 5_000)
    assert sum(sizes) == 5_000
    assert len(sizes) == len(headings)
    title, title_zh = _title(rng, subheadings[headings[0]][0], "Prairie Works")
    assert title.startswith("Prairie Works ")
    assert title_zh


@pytest.mark.django_db
def test_the_dashboard_bench_builds_the_ledgers_inputs(monkeypatch):
    from bench import dashboard

    posted = []
    monkeypatch.setattr(
        "twoway.ledger.services.trade_flows_post",
        lambda *, lines, posted_at: posted.extend(lines),
    )
    flows = dashboard.Flows(7, us_ids=[1, 2], cn_ids=[3])
    assert dashboard.post_small(flows, 12) > 0
    assert len(posted) == 12
    assert {line.direction for line in posted} <= {"us_export", "us_import"}
