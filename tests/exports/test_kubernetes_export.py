"""Kubernetes manifests: strict schema validation with kubernetes-validate (offline) and the objects read
back with PyYAML: replicas, autoscalers, disruption budgets and volumes sized from the plan."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from iac_pdf_plans import builtin_templates, computed, full_plan, realistic_plan

from archplan.exports import export

KUBERNETES_VALIDATE = Path(sys.executable).parent / "kubernetes-validate"
K8S_VERSION = "1.33.0"
DNS1123 = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
GIB = 2**30


@pytest.fixture(scope="module", params=["full", "realistic"])
def written(request, tmp_path_factory):
    plan, result = computed(full_plan() if request.param == "full" else realistic_plan())
    out = export(plan, result, "kubernetes", tmp_path_factory.mktemp("k8s") / "k8s.yaml")
    return plan, result, out, list(yaml.safe_load_all(out.read_text(encoding="utf-8")))


def objects(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def component_id(doc, plan):
    name = doc["metadata"]["annotations"]["archplan.io/name"]
    kind = doc["metadata"]["annotations"]["archplan.io/kind"]
    return next(c.id for c in plan.components if c.name == name and c.kind == kind)


def validate(*paths: Path) -> None:
    proc = subprocess.run([str(KUBERNETES_VALIDATE), "--strict", "-k", K8S_VERSION, "--quiet", *map(str, paths)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_strictly_valid_for_kubernetes(written):
    validate(written[2])


def test_names_are_dns_labels_and_selectors_match(written):
    _plan, _result, _out, docs = written
    for d in docs:
        name = d["metadata"]["name"]
        assert DNS1123.match(name) and len(name) <= 63, name
    workloads = {**objects(docs, "Deployment"), **objects(docs, "StatefulSet")}
    for name, w in workloads.items():
        labels = w["spec"]["template"]["metadata"]["labels"]
        assert w["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert labels["app.kubernetes.io/name"] == name
    for name, svc in objects(docs, "Service").items():
        assert name in workloads
        assert svc["spec"]["selector"].items() <= workloads[name]["spec"]["template"]["metadata"]["labels"].items()


def test_replicas_are_the_plans_counts(written):
    plan, result, _out, docs = written
    workloads = [*objects(docs, "Deployment").values(), *objects(docs, "StatefulSet").values()]
    assert len(workloads) >= 5
    for w in workloads:
        assert w["spec"]["replicas"] == result[component_id(w, plan)].count


def test_autoscalers_and_disruption_budgets(written):
    plan, result, _out, docs = written
    target = round(plan.traffic.target_utilisation * 100)
    hpas = objects(docs, "HorizontalPodAutoscaler")
    assert hpas
    for name, hpa in hpas.items():
        r = result[component_id(hpa, plan)]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert hpa["spec"]["minReplicas"] == r.count and hpa["spec"]["maxReplicas"] == 3 * r.count
        assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == target
    pdbs = objects(docs, "PodDisruptionBudget")
    workloads = {**objects(docs, "Deployment"), **objects(docs, "StatefulSet")}
    for name, w in workloads.items():
        r = result[component_id(w, plan)]
        if r.count >= 2:  # one voluntary disruption at a time, never a blocked drain
            assert pdbs[name]["spec"] == {"maxUnavailable": 1, "selector": w["spec"]["selector"]}
        else:
            assert name not in pdbs


def test_disruption_budgets_say_why_in_a_comment(written):
    text = written[2].read_text(encoding="utf-8")
    budgets = text.count("kind: PodDisruptionBudget")
    assert budgets and text.count("# maxUnavailable 1: lets a node drain") == budgets


def test_stateful_stores_claim_their_disk_per_node_with_headroom(written):
    plan, result, _out, docs = written
    sets = objects(docs, "StatefulSet")
    deployment = result.deployment(plan)
    assert sets
    for name, sts in sets.items():
        cid = component_id(sts, plan)
        dep = deployment[cid]
        claim = sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
        assert claim.endswith("Gi")  # binary units, written as such
        assert int(claim[:-2]) == max(1, math.ceil(dep.disk_per_node / GIB - 1e-9))
        assert int(claim[:-2]) * GIB >= dep.data_per_node / dep.fill - 1  # the data fits at its fill ratio
        if dep.behaviour.value in ("sql_primary", "sql_replica"):  # a full copy on every node
            assert dep.data_per_node == pytest.approx(result[cid].storage_total)
        assert sts["spec"]["serviceName"] == name
        assert objects(docs, "Service")[name]["spec"]["clusterIP"] == "None"


def test_three_tier_database_claims_hold_all_its_data(tmp_path):
    """Issue 16: 660 GB of data became 440Gi claims (0.72x); every node now keeps the full copy at 70 %."""
    from archplan.planner.io import load_plan

    plan, result = computed(load_plan(next(t for t in builtin_templates() if t.stem == "three_tier")))
    docs = _docs(plan, result, tmp_path)
    for sts in objects(docs, "StatefulSet").values():
        r = result[component_id(sts, plan)]
        if r.storage_total > 0 and r.behaviour.startswith("sql"):
            claim = sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
            assert int(claim[:-2]) * GIB >= r.storage_total / 0.7   # a full copy per node at 70 %


def test_secure_pods_in_their_own_namespace(written):
    _plan, _result, _out, docs = written
    namespace = next(d for d in docs if d["kind"] == "Namespace")["metadata"]["name"]
    assert all(d["metadata"]["namespace"] == namespace for d in docs if d["kind"] != "Namespace")
    for w in [*objects(docs, "Deployment").values(), *objects(docs, "StatefulSet").values()]:
        pod = w["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False and pod["securityContext"]["runAsNonRoot"] is True
        for c in pod["containers"]:
            ctx = c["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False and ctx["readOnlyRootFilesystem"] is True
            assert ctx["capabilities"] == {"drop": ["ALL"]} and ctx["seccompProfile"]["type"] == "RuntimeDefault"
            assert {"cpu", "memory"} <= c["resources"]["limits"].keys()
    policies = objects(docs, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_network_policies_admit_only_the_plans_callers(tmp_path):
    plan, result = computed(full_plan())
    docs = _docs(plan, result, tmp_path)
    policies = objects(docs, "NetworkPolicy")
    sources = lambda name: {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]  # noqa: E731
                            for rule in policies[name]["spec"]["ingress"] for p in rule.get("from", [])}
    assert sources("redis") == {"api"}          # only the API talks to its cache
    assert "from" not in policies["edge-lb"]["spec"]["ingress"][0]   # the entry load balancer takes anyone


def test_cache_memory_requests_are_the_plans_share_of_the_hot_set(tmp_path):
    plan, result = computed(full_plan())
    deployment = result.deployment(plan)
    docs = _docs(plan, result, tmp_path)
    for w in [*objects(docs, "Deployment").values(), *objects(docs, "StatefulSet").values()]:
        dep = deployment[component_id(w, plan)]
        if dep.hot_set_per_node > 0:
            memory = w["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"]
            assert memory == f"{max(256, math.ceil(dep.memory_per_node / 2**20 - 1e-9))}Mi"


def test_managed_services_are_dependencies_not_workloads(tmp_path):
    plan, result = computed(full_plan())
    docs = _docs(plan, result, tmp_path)
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    external = {e["kind"] for e in yaml.safe_load(config["data"]["external.yaml"])}
    assert {"storage.s3", "queue.sqs", "kv.dynamodb", "ext.payments", "notify.email", "cdn.cloudfront"} <= external
    annotated = {d["metadata"].get("annotations", {}).get("archplan.io/kind") for d in docs
                 if d["kind"] != "ConfigMap"}
    assert not annotated & external
    ingress = objects(docs, "Ingress")
    assert ingress and all(i["spec"]["ingressClassName"] == "alb" for i in ingress.values())


def test_health_checked_workloads_get_liveness_probes_from_the_plan(tmp_path):
    plan, result = computed(full_plan())
    docs = _docs(plan, result, tmp_path)
    api = objects(docs, "Deployment")["api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["livenessProbe"]["periodSeconds"] == 20 and api["livenessProbe"]["failureThreshold"] == 3
    redis = objects(docs, "StatefulSet")["redis"]["spec"]["template"]["spec"]["containers"][0]
    assert "livenessProbe" not in redis


def _docs(plan, result, folder: Path):
    out = export(plan, result, "kubernetes", folder / "k8s.yaml")
    return list(yaml.safe_load_all(out.read_text(encoding="utf-8")))


def test_every_builtin_template_gives_valid_manifests(tmp_path):
    from archplan.planner.io import load_plan

    templates = builtin_templates()
    assert templates
    written = []
    for template in templates:
        plan, result = computed(load_plan(template))
        written.append(export(plan, result, "kubernetes", tmp_path / f"{template.stem}.yaml"))
    validate(*written)
