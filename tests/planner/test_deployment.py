"""planner/deployment.py: the deployment figures every exporter translates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archplan.planner.catalog import default_catalog
from archplan.planner.deployment import cache_topology
from archplan.planner.engine import compute
from archplan.planner.library import load_template


@given(st.integers(1, 5_000), st.integers(1, 5_000))
def test_cache_topology_keeps_the_plans_node_count(instances, needed):
    shards, replicas = cache_topology(instances, needed)
    assert shards * (1 + replicas) == instances
    assert shards >= min(needed, instances)


def test_cache_topology_examples():
    assert cache_topology(2, 1) == (1, 1)        # HA: a primary and its replica
    assert cache_topology(203, 202) == (203, 0)  # twitter_timeline: 203 nodes, never 404
    assert cache_topology(6, 3) == (3, 1)


def test_deployment_is_derived_once_per_result():
    plan = load_template("three_tier")
    result = compute(plan)
    assert result.deployment(plan) is result.deployment(plan)


def test_prices_are_the_engines_with_the_catalogs_price_table():
    plan = load_template("three_tier")
    result = compute(plan)
    table = default_catalog().prices
    assert (table.provider, table.region, table.date) == ("AWS", "us-east-1", "2024-07-01")
    for cid, dep in result.deployment(plan).items():
        r = result[cid]
        assert dep.prices.table == table
        if "monthly_cost" in r.figures:
            assert dep.prices.instance_month == r.figures["monthly_cost"].inputs["unit_cost"]
        assert dep.instances == r.count and dep.needed == r.needed
        assert dep.node_type == default_catalog()[r.kind].instance_class


def test_full_copies_and_hottest_shards():
    plan = load_template("twitter_timeline")
    result = compute(plan)
    for cid, dep in result.deployment(plan).items():
        r = result[cid]
        if r.behaviour in ("sql_primary", "sql_replica"):
            assert dep.data_per_node == r.storage_total   # a full copy on every node
        elif r.behaviour == "partitioned" and r.count:
            skew = plan.component(cid).param("skew")
            assert dep.data_per_node == r.storage_replicated * skew / r.count
