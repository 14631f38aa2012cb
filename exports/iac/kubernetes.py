"""
Kubernetes manifests: one multi-document YAML sized from the plan.

- Stateless kinds (load balancers, services, workers, memcached): a Deployment with replicas = the
  plan's count; services and workers also get a HorizontalPodAutoscaler (autoscaling/v2, min = count,
  max = 3 x count, target CPU = the plan's target utilisation).
- Data stores: a StatefulSet with a headless Service and a volumeClaimTemplate sized from the plan's
  replicated storage / count at the kind's fill ratio.
- A Service for everything that listens (entry load balancers as type LoadBalancer); the managed ALB
  and API gateway become an Ingress (class "alb") in front of their target.
- A PodDisruptionBudget (minAvailable = instances needed at peak) wherever count >= 2.
- Requests: the instance class the catalog's per-instance capacity assumes (75 %); caches request
  memory for their share of the hot set. A component watched by a health check gets a liveness probe
  with the plan's interval and misses.
- A ConfigMap with the plan summary and the external / managed dependencies (S3, SQS, payments ...).

Names are DNS-1123 labels (exports.iac.dns1123); user text appears only in annotations.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from archplan.exports import ExportError
from archplan.exports.iac import dns1123, no_options, one_line, write_text
from archplan.exports.iac.roles import (
    CLOUD_MANAGED,
    RUNTIMES,
    Relations,
    Runtime,
    health_settings,
    is_client,
    is_monitor,
    kind_label,
    relations,
    sizing_lines,
)
from archplan.planner import units
from archplan.planner.catalog import default_catalog

__all__ = ["manifests", "write_kubernetes"]

NAME_MAX = 52          # StatefulSet pods add "-<ordinal>" and revision hashes add 11 characters
HPA_FACTOR = 3
GIB = 2**30
MIB = 2**20
INGRESS_KINDS = {"lb.alb", "gateway.api"}


def manifests(plan, result) -> list[dict]:
    """Every Kubernetes object of the plan, in plan order (ConfigMap first)."""
    rel = relations(plan)
    taken: set[str] = set()
    part_of = dns1123(plan.name, set())
    summary_name = dns1123(f"{plan.name} archplan summary", taken, NAME_MAX)
    names, external = {}, []
    for comp in plan.components:
        if is_client(comp) or is_monitor(comp):
            continue
        if comp.kind in RUNTIMES and (comp.kind not in CLOUD_MANAGED or comp.kind in INGRESS_KINDS):
            names[comp.id] = dns1123(comp.name, taken, NAME_MAX)
        else:
            external.append(comp)
    docs: list[dict] = []
    for comp in plan.components:
        if comp.id not in names:
            continue
        r = result.components[comp.id]
        if comp.kind in INGRESS_KINDS:
            ingress = _ingress(plan, rel, names, comp, r, part_of)
            if ingress is None:
                external.append(comp)
            else:
                docs.append(ingress)
            continue
        docs += _workload(plan, rel, names, comp, r, RUNTIMES[comp.kind], part_of)
    return [_summary(plan, result, summary_name, part_of, external), *docs]


def _labels(name: str, comp, part_of: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": part_of,
            "app.kubernetes.io/component": default_catalog()[comp.kind].category,
            "app.kubernetes.io/managed-by": "archplan"}


def _meta(name: str, comp, part_of: str, plan=None, r=None) -> dict:
    meta = {"name": name, "labels": _labels(name, comp, part_of)}
    annotations = {"archplan.io/component": comp.id, "archplan.io/name": comp.name, "archplan.io/kind": comp.kind}
    if r is not None:
        annotations["archplan.io/sizing"] = "\n".join(sizing_lines(plan, comp, r))
    meta["annotations"] = annotations
    return meta


def _selector(name: str, part_of: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": part_of}


def _quantity_gi(size: float, minimum: int = 1) -> str:
    return f"{max(minimum, math.ceil(size / GIB - 1e-9))}Gi"


def _resources(comp, r, runtime: Runtime) -> dict:
    cpu = f"{round(runtime.vcpu * 750)}m"
    memory = runtime.memory_gib * GIB * 0.75
    if r.memory > 0:  # a cache: its share of the hot set, at the usable share of memory
        usable = comp.param("usable_memory")
        memory = max(256 * MIB, r.memory / max(1, r.count) / usable)
    mem = f"{math.ceil(memory / MIB)}Mi"
    return {"requests": {"cpu": cpu, "memory": mem}, "limits": {"memory": mem}}


def _container(plan, rel: Relations, names, comp, r, runtime: Runtime) -> dict:
    name = names[comp.id]
    container: dict = {"name": name, "image": runtime.image}
    if runtime.command:
        container["args"] = list(runtime.command)
    env = dict(runtime.env)
    primary = rel.primary_of.get(comp.id)
    if primary in names:
        env["POSTGRESQL_MASTER_HOST" if "postgres" in comp.kind else "MYSQL_MASTER_HOST"] = names[primary]
    if comp.kind == "pubsub.kafka":
        env["KAFKA_ADVERTISED_LISTENERS"] = f"PLAINTEXT://{name}:9092"
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    if runtime.port:
        container["ports"] = [{"name": "main", "containerPort": runtime.port, "protocol": "TCP"}]
        container["readinessProbe"] = {"tcpSocket": {"port": runtime.port}, "periodSeconds": 10}
        watched = health_settings(plan, rel, comp.id)
        if watched:
            interval, misses, timeout = watched
            container["livenessProbe"] = {"tcpSocket": {"port": runtime.port},
                                          "periodSeconds": max(1, round(interval)), "failureThreshold": misses,
                                          "timeoutSeconds": max(1, round(timeout))}
    container["resources"] = _resources(comp, r, runtime)
    return container


def _workload(plan, rel, names, comp, r, runtime: Runtime, part_of: str) -> list[dict]:
    name = names[comp.id]
    labels = _labels(name, comp, part_of)
    container = _container(plan, rel, names, comp, r, runtime)
    pod = {"metadata": {"labels": labels}, "spec": {"containers": [container]}}
    spec: dict = {"replicas": r.count, "selector": {"matchLabels": _selector(name, part_of)}, "template": pod}
    docs = []
    if runtime.stateful:
        # data per node at the fill ratio; a cache keeps (at least) its share of the hot set on disk
        per_node = max(r.storage_replicated / max(1, r.count) / _fill(comp), r.memory / max(1, r.count))
        container["volumeMounts"] = [{"name": "data", "mountPath": runtime.data_path}]
        spec = {"serviceName": name, **spec, "volumeClaimTemplates": [{
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": _quantity_gi(per_node)}}},
        }]}
        docs.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": _meta(name, comp, part_of, plan, r),
                     "spec": spec})
    else:
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": _meta(name, comp, part_of, plan, r),
                     "spec": spec})
    if runtime.port:
        service_spec: dict = {"selector": _selector(name, part_of),
                              "ports": [{"name": "main", "port": runtime.port, "targetPort": "main",
                                         "protocol": "TCP"}]}
        if runtime.stateful:
            service_spec["clusterIP"] = "None"
        elif comp.id in rel.entry:
            service_spec["type"] = "LoadBalancer"
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": _meta(name, comp, part_of),
                     "spec": service_spec})
    if runtime.autoscale:
        docs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": _meta(name, comp, part_of),
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                              "minReplicas": r.count, "maxReplicas": r.count * HPA_FACTOR,
                              "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                                  "type": "Utilization",
                                  "averageUtilization": round(plan.traffic.target_utilisation * 100)}}}]}})
    if r.count >= 2:
        docs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(name, comp, part_of),
                     "spec": {"minAvailable": min(r.needed, r.count), "selector": {
                         "matchLabels": _selector(name, part_of)}}})
    return docs


def _fill(comp) -> float:
    try:
        return comp.param("fill_ratio")
    except KeyError:
        return 1.0


def _ingress(plan, rel: Relations, names, comp, r, part_of: str) -> dict | None:
    """The managed ALB / API gateway as an Ingress routing to its first target with a Service."""
    for src, dst in rel.requests:
        runtime = RUNTIMES.get(plan.component(dst).kind) if dst in names else None
        if src == comp.id and runtime is not None and runtime.port and plan.component(dst).kind not in INGRESS_KINDS:
            backend = {"service": {"name": names[dst], "port": {"number": runtime.port}}}
            return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": _meta(names[comp.id], comp, part_of, plan, r),
                    "spec": {"ingressClassName": "alb", "defaultBackend": backend}}
    return None


def _summary(plan, result, name: str, part_of: str, external: list) -> dict:
    totals = result.totals
    summary = {
        "plan": plan.name,
        "daily_users": units.format_count(totals.dau),
        "peak": units.format_qps(totals.entry_qps_peak),
        "instances": totals.instances,
        "monthly_cost": units.format_money(totals.monthly_cost),
        "components": [{"id": c.id, "name": c.name, "kind": c.kind, "count": result.components[c.id].count}
                       for c in plan.components if not is_client(c)],
        "clients": [{"id": c.id, "name": c.name, "kind": c.kind} for c in plan.components if is_client(c)],
        "links": [{"source": lk.source, "target": lk.target, "kind": lk.kind} for lk in plan.links],
    }
    deps = [{"name": c.name, "kind": c.kind, "label": kind_label(c),
             "peak": units.format_qps(result.components[c.id].qps_peak)} for c in external]
    data = {"plan.yaml": yaml.safe_dump(summary, sort_keys=False, allow_unicode=True)}
    if deps:
        data["external.yaml"] = yaml.safe_dump(deps, sort_keys=False, allow_unicode=True)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": part_of,
                                                  "app.kubernetes.io/managed-by": "archplan"},
                         "annotations": {"archplan.io/name": plan.name}},
            "data": data}


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (summaries, sizing notes) as readable literal blocks."""


def _str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def write_kubernetes(plan, result, out: Path, **options) -> Path:
    """Write the manifests as one multi-document YAML file."""
    no_options("Kubernetes", options)
    if not plan.components:
        raise ExportError("the plan has no components: nothing to write as Kubernetes manifests")
    docs = manifests(plan, result)
    header = (f"# Kubernetes manifests of {one_line(plan.name, 120)}, written by Archplan.\n"
              "# Images are placeholders and stand-ins; passwords are 'change-me'. Review before applying.\n")
    body = yaml.dump_all(docs, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, explicit_start=True)
    return write_text(out, header + body)
