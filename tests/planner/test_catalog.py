"""The built-in component catalog (planner/data/catalog.json) and its icons.

Every default figure must say where it comes from (capacity-defaults.md source tag or a derivation), every
kind must have a valid icon, and a broken catalog file must fail loudly with the offending id.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest

from archplan.planner import resources
from archplan.planner.catalog import (
    BEHAVIOUR_PARAMS,
    CAPACITY_FIELDS,
    CATALOG_PATH,
    Behaviour,
    Catalog,
    CatalogError,
    ComponentKind,
    load_catalog,
)

ICON_DIR = resources.icons_dir()
SVG_NS = "{http://www.w3.org/2000/svg}"

#: id -> (behaviour, category, managed, stores_data), as specified for the first catalog.
EXPECTED = {
    "client.web": ("client", "edge", False, False),
    "client.mobile": ("client", "edge", False, False),
    "dns.route53": ("dns", "edge", True, False),
    "cdn.cloudfront": ("cdn", "edge", True, False),
    "lb.nginx": ("load_balancer", "edge", False, False),
    "lb.haproxy": ("load_balancer", "edge", False, False),
    "lb.alb": ("load_balancer", "edge", True, False),
    "gateway.api": ("gateway", "edge", True, False),
    "platform.ratelimit": ("rate_limiter", "edge", False, False),
    "service.python": ("service", "compute", False, False),
    "service.node": ("service", "compute", False, False),
    "service.go": ("service", "compute", False, False),
    "compute.worker": ("worker", "compute", False, False),
    "cache.redis": ("cache", "data", False, False),
    "cache.memcached": ("cache", "data", False, False),
    "storage.s3": ("object_store", "data", True, True),
    "db.postgres": ("sql_primary", "data", False, True),
    "db.postgres_replica": ("sql_replica", "data", False, True),
    "db.mysql": ("sql_primary", "data", False, True),
    "db.mysql_replica": ("sql_replica", "data", False, True),
    "db.sharded_sql": ("partitioned", "data", False, True),
    "kv.dynamodb": ("partitioned", "data", True, True),
    "doc.mongodb": ("partitioned", "data", False, True),
    "wide.cassandra": ("partitioned", "data", False, True),
    "graph.neo4j": ("partitioned", "data", False, True),
    "search.elasticsearch": ("search", "data", False, True),
    "queue.sqs": ("queue", "messaging", True, False),
    "queue.rabbitmq": ("queue", "messaging", False, False),
    "pubsub.kafka": ("pubsub", "messaging", False, True),
    "notify.email": ("notification", "external", True, False),
    "notify.sms": ("notification", "external", True, False),
    "notify.push": ("notification", "external", True, False),
    "notify.chat": ("notification", "external", True, False),
    "notify.ticket": ("notification", "external", True, False),
    "obs.healthcheck": ("monitor", "observability", False, False),
    "obs.prometheus": ("metrics", "observability", False, True),
    "ext.payments": ("external", "external", True, False),
    "ext.api": ("external", "external", True, False),
}

CATEGORIES = ("edge", "compute", "data", "messaging", "observability", "external")
PRICE_FIELDS = ("monthly_cost", "storage_price_gb_month", "egress_price_gb", "request_price_per_million")

CATALOG = load_catalog()
KINDS = list(CATALOG)
by_id = pytest.mark.parametrize("kind", KINDS, ids=[k.id for k in KINDS])


def _entry(**changes) -> dict:
    """A valid raw catalog entry (the Redis one), with changes applied."""
    raw = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    entry = next(e for e in raw["kinds"] if e["id"] == "cache.redis")
    entry.update(changes)
    return entry


def _write(tmp_path, kinds) -> object:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"catalog_version": 1, "kinds": kinds}), encoding="utf-8")
    return path


# --- the catalog as a whole ----------------------------------------------------------------------

def test_catalog_loads_with_its_metadata():
    raw = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    assert raw["catalog_version"] == 1
    assert raw["prices_region"] == "us-east-1"
    assert raw["prices_date"] == "2024-07-01"
    assert isinstance(CATALOG, Catalog)
    assert len(CATALOG) >= 18


def test_catalog_has_every_required_id():
    missing = set(EXPECTED) - set(CATALOG.ids())
    assert not missing, f"missing kinds: {sorted(missing)}"


@pytest.mark.parametrize("kind_id", sorted(EXPECTED))
def test_kind_has_the_specified_behaviour_category_and_flags(kind_id):
    kind = CATALOG[kind_id]
    assert (kind.behaviour.value, kind.category, kind.managed, kind.stores_data) == EXPECTED[kind_id]


@pytest.mark.parametrize("behaviour", list(Behaviour), ids=[b.value for b in Behaviour])
def test_every_behaviour_has_a_kind(behaviour):
    assert CATALOG.of_behaviour(behaviour), f"no kind behaves as {behaviour.value}"


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_kinds(category):
    assert CATALOG.by_category().get(category), f"no kind in category {category}"


def test_labels_are_distinct():
    labels = [k.label for k in KINDS]
    assert len(labels) == len(set(labels)), "two kinds share a label"


# --- per kind: sources, figures, params ------------------------------------------------------------

@by_id
def test_every_explicit_capacity_figure_has_a_source(kind: ComponentKind):
    for name in kind.capacity.model_fields_set:
        source = kind.sources.get(name, "")
        assert source.strip(), f"{kind.id}: capacity.{name} is set but has no source"


@by_id
def test_every_param_override_has_a_source_and_is_in_bounds(kind: ComponentKind):
    specs = BEHAVIOUR_PARAMS[kind.behaviour]
    for name, value in kind.params.items():
        assert kind.sources.get(name, "").strip(), f"{kind.id}: param {name} is set but has no source"
        assert specs[name].minimum <= value <= specs[name].maximum, f"{kind.id}: param {name}={value}"


@by_id
def test_sources_only_name_known_fields_or_params(kind: ComponentKind):
    known = set(CAPACITY_FIELDS) | set(BEHAVIOUR_PARAMS[kind.behaviour])
    stray = set(kind.sources) - known
    assert not stray, f"{kind.id}: sources for unknown fields {sorted(stray)}"


@by_id
def test_prices_are_non_negative_and_finite(kind: ComponentKind):
    for name in PRICE_FIELDS:
        value = getattr(kind.capacity, name)
        assert value >= 0 and math.isfinite(value), f"{kind.id}: {name}={value}"


@by_id
def test_availability_is_a_probability(kind: ComponentKind):
    assert 0 < kind.capacity.availability <= 1


@by_id
def test_capacity_figures_are_positive_when_set(kind: ComponentKind):
    for name in ("read_qps", "write_qps", "bandwidth", "storage", "memory"):
        value = getattr(kind.capacity, name)
        assert value is None or value > 0, f"{kind.id}: {name}={value} (use null for unlimited)"
    assert kind.capacity.mtbf_hours > 0 and kind.capacity.restart_s >= 0


@by_id
def test_kind_has_a_description(kind: ComponentKind):
    assert kind.label.strip() and kind.description.strip()


def test_worker_derives_its_rate_from_slots_and_job_time():
    worker = CATALOG["compute.worker"]
    assert worker.capacity.read_qps is None and worker.capacity.write_qps is None
    specs = worker.param_specs()
    assert specs["slots"].default == 8
    assert specs["job_s"].default == pytest.approx(0.1)


def test_headline_figures_from_the_research_note():
    assert CATALOG["cache.redis"].capacity.memory == 17_179_869_184
    assert CATALOG["pubsub.kafka"].capacity.bandwidth == pytest.approx(50e6)
    assert CATALOG["cdn.cloudfront"].capacity.bandwidth == pytest.approx(18.75e9)
    assert CATALOG["kv.dynamodb"].capacity.read_qps == 3_000
    assert CATALOG["kv.dynamodb"].capacity.write_qps == 1_000
    assert CATALOG["ext.payments"].capacity.write_qps == 25
    assert CATALOG["wide.cassandra"].param_specs()["replication_factor"].default == 3
    assert CATALOG["obs.healthcheck"].param_specs()["interval_s"].default == 30
    assert CATALOG["obs.healthcheck"].param_specs()["misses"].default == 2


# --- icons ---------------------------------------------------------------------------------------

@by_id
def test_icon_file_exists_and_is_a_self_contained_svg(kind: ComponentKind):
    path = ICON_DIR / f"{kind.icon}.svg"
    assert path.is_file(), f"{kind.id}: missing icon {path.name}"
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)
    assert root.tag in ("svg", f"{SVG_NS}svg")
    assert root.get("viewBox") == "0 0 64 64"
    assert 'href="file:' not in text and "file:" not in text
    for element in root.iter():
        for attr, value in element.attrib.items():
            if attr.endswith("href"):
                assert value.startswith("#"), f"{path.name}: external reference {value!r}"
            assert not value.startswith("/"), f"{path.name}: absolute path {value!r}"
            assert ":\\" not in value, f"{path.name}: absolute path {value!r}"


# --- broken catalog files ------------------------------------------------------------------------

def test_duplicate_id_is_rejected_naming_the_id(tmp_path):
    path = _write(tmp_path, [_entry(), _entry()])
    with pytest.raises(CatalogError, match=r"cache\.redis"):
        load_catalog(path)


def test_unknown_param_is_rejected_naming_the_id_and_param(tmp_path):
    path = _write(tmp_path, [_entry(params={"slots": 4})])
    with pytest.raises(CatalogError, match=r"cache\.redis") as err:
        load_catalog(path)
    assert "slots" in str(err.value)


def test_bad_json_is_rejected_naming_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"catalog_version": 1, "kinds": [', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.json"):
        load_catalog(path)


def test_missing_kinds_list_is_rejected(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text('{"catalog_version": 1}', encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(path)


def test_missing_file_is_rejected(tmp_path):
    with pytest.raises(CatalogError):
        load_catalog(tmp_path / "nowhere.json")


@pytest.mark.parametrize("field, value", [("availability", 1.5), ("monthly_cost", -1), ("throughput", 1)])
def test_bad_capacity_figure_is_rejected(tmp_path, field, value):
    entry = _entry()
    entry["capacity"] = {**entry["capacity"], field: value}
    with pytest.raises(CatalogError, match=field):
        load_catalog(_write(tmp_path, [entry]))
