"""
Kubernetes manifests: one multi-document YAML sized from the plan's deployment figures
(planner/deployment.py). Nothing is sized here: counts, memory and disk are translated.

- A Namespace per plan; every object lives in it.
- Stateless kinds (load balancers, services, workers, memcached): a Deployment with replicas = the
  plan's count; services and workers also get a HorizontalPodAutoscaler (autoscaling/v2, min = count,
  max = 3 x count, target CPU = the plan's target utilisation).
- Data stores: a StatefulSet with a headless Service and a volumeClaimTemplate of the plan's disk per
  node (its data per node, hottest shard or full copy, at the kind's fill ratio) in GiB (2^30 B).
- A Service for everything that listens (entry load balancers as type LoadBalancer); the managed ALB
  and API gateway become an Ingress (class "alb") in front of their target.
- A PodDisruptionBudget wherever count >= 2 that lets one pod go at a time (maxUnavailable: 1), so a
  node drain or a cluster upgrade never blocks; the comment above it says why.
- Secure defaults: non-root, read-only root file system (an emptyDir for /tmp), no privilege
  escalation, every capability dropped, the runtime's seccomp profile, no service-account token, CPU
  and memory requests and limits, image pulls always; a default-deny NetworkPolicy and, per workload,
  one admitting only the components that talk to it in the plan (and anyone for entry components).
  What a skeleton must leave to its user carries a ``checkov.io/skipN`` annotation with the reason.
- Requests: caches ask for their share of the hot set at their usable share of memory; other kinds
  for 75 % of the node class the catalog's capacity assumes. A component watched by a health check
  gets a liveness probe with the plan's interval and misses.
- A ConfigMap with the plan summary and the external / managed dependencies (S3, SQS, payments ...).

Names are DNS-1123 labels (exports.iac.dns1123); user text appears only in annotations, without
control, bidirectional-override or zero-width characters (exports.iac.safe_text).
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

from archplan.exports import ExportError
from archplan.exports.iac import dns1123, no_options, one_line, safe_text, write_text
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
MIN_MEMORY = 256 * MIB
RUN_AS = 10001         # a high UID/GID, outside any host user's range
INGRESS_KINDS = {"lb.alb", "gateway.api"}
BROKER_PREFIXES = ("queue.", "pubsub.")
PDB_COMMENT = ("# maxUnavailable 1: lets a node drain or an upgrade evict one pod at a time; minAvailable = replicas "
               "would block every voluntary disruption")

#: Checks a skeleton leaves to its user, with the reason written into every object they apply to.
SKIPS = {
    "CKV_K8S_43": "images are pinned by tag in a skeleton; pin digests from your own registry",
    "CKV_K8S_35": "the stand-in images read their passwords from environment variables",
    "CKV_K8S_8": "no health check watches this component in the plan (add a health link for a liveness probe)",
    "CKV_K8S_9": "the component listens on no port: nothing to probe for readiness",
}


def manifests(plan, result) -> list[dict]:
    """Every Kubernetes object of the plan, in plan order (Namespace and ConfigMap first)."""
    rel = relations(plan)
    deps = result.deployment(plan)
    taken: set[str] = set()
    part_of = dns1123(plan.name, set())
    namespace = part_of
    summary_name = dns1123(f"{plan.name} archplan summary", taken, NAME_MAX)
    names, external = {}, []
    for comp in plan.components:
        if is_client(comp) or is_monitor(comp):
            continue
        if comp.kind in RUNTIMES and (comp.kind not in CLOUD_MANAGED or comp.kind in INGRESS_KINDS):
            names[comp.id] = dns1123(comp.name, taken, NAME_MAX)
        else:
            external.append(comp)
    open_to_all = _open_to_all(plan, rel, names)
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
        docs += _workload(plan, rel, names, comp, r, deps[comp.id], RUNTIMES[comp.kind], part_of, open_to_all)
    head = [{"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": namespace, "labels": {"app.kubernetes.io/part-of": part_of,
                                                        "app.kubernetes.io/managed-by": "archplan"},
                          "annotations": {"archplan.io/name": safe_text(plan.name)}}},
            _summary(plan, result, summary_name, part_of, external),
            {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
             "metadata": {"name": "default-deny-ingress", "labels": {"app.kubernetes.io/part-of": part_of}},
             "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}]
    docs = head + docs
    for doc in docs[1:]:
        doc["metadata"]["namespace"] = namespace
    return docs


def _labels(name: str, comp, part_of: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": part_of,
            "app.kubernetes.io/component": default_catalog()[comp.kind].category,
            "app.kubernetes.io/managed-by": "archplan"}


def _meta(name: str, comp, part_of: str, plan=None, r=None, skips: tuple[str, ...] = ()) -> dict:
    meta = {"name": name, "labels": _labels(name, comp, part_of)}
    annotations = {"archplan.io/component": comp.id, "archplan.io/name": safe_text(comp.name),
                   "archplan.io/kind": comp.kind}
    if r is not None:
        annotations["archplan.io/sizing"] = "\n".join(sizing_lines(plan, comp, r))
    for i, check in enumerate(skips, start=1):
        annotations[f"checkov.io/skip{i}"] = f"{check}={SKIPS[check]}"
    meta["annotations"] = annotations
    return meta


def _selector(name: str, part_of: str) -> dict:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": part_of}


def _resources(dep, runtime: Runtime) -> dict:
    """Requests and limits from the plan's deployment figures, in binary units (Mi), rounded up."""
    cpu = f"{round(runtime.vcpu * 750)}m"
    if dep.hot_set_per_node > 0:
        mem = f"{dep.memory_mib(minimum=MIN_MEMORY)}Mi"
    else:
        node = dep.node_memory or runtime.memory_gib * GIB
        mem = f"{math.ceil(node * 0.75 / MIB)}Mi"
    return {"requests": {"cpu": cpu, "memory": mem}, "limits": {"cpu": cpu, "memory": mem}}


SECURITY_CONTEXT = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                    "runAsUser": RUN_AS, "runAsGroup": RUN_AS, "capabilities": {"drop": ["ALL"]},
                    "seccompProfile": {"type": "RuntimeDefault"}}


def _container(plan, rel: Relations, names, comp, dep, runtime: Runtime) -> tuple[dict, list[str]]:
    """The container and the checks it leaves to the user."""
    name = names[comp.id]
    container: dict = {"name": name, "image": runtime.image, "imagePullPolicy": "Always"}
    skips = ["CKV_K8S_43"]
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
        if any("PASSWORD" in k or k.endswith("_AUTH") for k in env):
            skips.append("CKV_K8S_35")
    watched = health_settings(plan, rel, comp.id)
    if runtime.port:
        container["ports"] = [{"name": "main", "containerPort": runtime.port, "protocol": "TCP"}]
        container["readinessProbe"] = {"tcpSocket": {"port": runtime.port}, "periodSeconds": 10}
        if watched:
            interval, misses, timeout = watched
            container["livenessProbe"] = {"tcpSocket": {"port": runtime.port},
                                          "periodSeconds": max(1, round(interval)), "failureThreshold": misses,
                                          "timeoutSeconds": max(1, round(timeout))}
    else:
        skips.append("CKV_K8S_9")
    if "livenessProbe" not in container:
        skips.append("CKV_K8S_8")
    container["resources"] = _resources(dep, runtime)
    container["securityContext"] = dict(SECURITY_CONTEXT)
    mounts = [{"name": "tmp", "mountPath": "/tmp"}]
    if runtime.stateful and runtime.data_path:
        mounts.append({"name": "data", "mountPath": runtime.data_path})
    container["volumeMounts"] = mounts
    return container, skips


def _workload(plan, rel, names, comp, r, dep, runtime: Runtime, part_of: str, open_to_all: set[str]) -> list[dict]:
    name = names[comp.id]
    labels = _labels(name, comp, part_of)
    container, skips = _container(plan, rel, names, comp, dep, runtime)
    pod_spec = {"automountServiceAccountToken": False,
                "securityContext": {"runAsNonRoot": True, "runAsUser": RUN_AS, "runAsGroup": RUN_AS,
                                    "fsGroup": RUN_AS, "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [container], "volumes": [{"name": "tmp", "emptyDir": {}}]}
    pod = {"metadata": {"labels": labels}, "spec": pod_spec}
    spec: dict = {"replicas": dep.instances, "selector": {"matchLabels": _selector(name, part_of)}, "template": pod}
    meta = _meta(name, comp, part_of, plan, r, tuple(skips))
    docs = []
    if runtime.stateful:
        claim = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": f"{dep.disk_gib()}Gi"}}}
        spec = {"serviceName": name, **spec, "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": claim}]}
        meta["annotations"]["archplan.io/disk-per-node"] = (
            f"{units.format_size(dep.data_per_node)} of data per node, filled to at most "
            f"{units.format_percent(dep.fill)}: {units.format_size(dep.disk_per_node)} = {dep.disk_gib()} GiB")
        docs.append({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta, "spec": spec})
    else:
        docs.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec})
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
        docs.append(_network_policy(plan, rel, names, comp, runtime, part_of, open_to_all))
    if runtime.autoscale:
        docs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": _meta(name, comp, part_of),
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                              "minReplicas": dep.instances, "maxReplicas": dep.instances * HPA_FACTOR,
                              "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                                  "type": "Utilization",
                                  "averageUtilization": round(plan.traffic.target_utilisation * 100)}}}]}})
    if dep.instances >= 2:
        docs.append({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": _meta(name, comp, part_of),
                     "spec": {"maxUnavailable": 1, "selector": {"matchLabels": _selector(name, part_of)}}})
    return docs


def _talkers(plan, rel: Relations) -> dict[str, set[str]]:
    """Component id -> the components that open connections to it, from the plan's links."""
    brokers = {c.id for c in plan.components if c.kind.startswith(BROKER_PREFIXES)}
    talk: dict[str, set[str]] = {}
    for src, dst in rel.requests:
        talk.setdefault(dst, set()).add(src)
    for src, dst in rel.messages:   # producers and consumers both connect to the broker
        if src in brokers:
            talk.setdefault(src, set()).add(dst)
        else:
            talk.setdefault(dst, set()).add(src)
    for replica, primary in rel.primary_of.items():
        talk.setdefault(primary, set()).add(replica)
    return talk


def _open_to_all(plan, rel: Relations, names: dict[str, str]) -> set[str]:
    """Components reached from outside the cluster: called by clients, or behind an Ingress."""
    ingress = {c.id for c in plan.components if c.kind in INGRESS_KINDS and c.id in names}
    return set(rel.entry) | {dst for src, dst in rel.requests if src in ingress}


def _network_policy(plan, rel, names, comp, runtime: Runtime, part_of: str, open_to_all: set[str]) -> dict:
    """Ingress to this workload's port only from the workloads that talk to it in the plan."""
    name = names[comp.id]
    port = [{"port": runtime.port, "protocol": "TCP"}]
    if comp.id in open_to_all:
        rules = [{"ports": port}]
    else:
        peers = sorted(names[c] for c in _talkers(plan, rel).get(comp.id, ()) if c in names)
        rules = [{"from": [{"podSelector": {"matchLabels": _selector(peer, part_of)}} for peer in peers],
                  "ports": port}] if peers else []
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(name, comp, part_of),
            "spec": {"podSelector": {"matchLabels": _selector(name, part_of)}, "policyTypes": ["Ingress"],
                     "ingress": rules}}


def _ingress(plan, rel: Relations, names, comp, r, part_of: str) -> dict | None:
    """The managed ALB / API gateway as an Ingress routing to its first target with a Service."""
    for src, dst in rel.requests:
        runtime = RUNTIMES.get(plan.component(dst).kind) if dst in names else None
        if src == comp.id and runtime is not None and runtime.port and plan.component(dst).kind not in INGRESS_KINDS:
            backend = {"service": {"name": names[dst], "port": {"number": runtime.port}}}
            meta = _meta(names[comp.id], comp, part_of, plan, r)
            meta["annotations"]["alb.ingress.kubernetes.io/listen-ports"] = '[{"HTTPS": 443}]'
            meta["annotations"]["alb.ingress.kubernetes.io/ssl-redirect"] = "443"
            return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta,
                    "spec": {"ingressClassName": "alb", "defaultBackend": backend}}
    return None


def _summary(plan, result, name: str, part_of: str, external: list) -> dict:
    totals = result.totals
    deps = result.deployment(plan)
    summary = {
        "plan": safe_text(plan.name),
        "daily_users": units.format_count(totals.dau),
        "peak": units.format_qps(totals.entry_qps_peak),
        "instances": totals.instances,
        "monthly_cost": units.format_money(totals.monthly_cost),
        "components": [{"id": c.id, "name": safe_text(c.name), "kind": c.kind, "count": deps[c.id].instances}
                       for c in plan.components if c.id in deps],
        "clients": [{"id": c.id, "name": safe_text(c.name), "kind": c.kind} for c in plan.components if is_client(c)],
        "links": [{"source": lk.source, "target": lk.target, "kind": lk.kind} for lk in plan.links],
    }
    dependencies = [{"name": safe_text(c.name), "kind": c.kind, "label": kind_label(c),
                     "peak": units.format_qps(result.components[c.id].qps_peak)} for c in external]
    data = {"plan.yaml": yaml.safe_dump(summary, sort_keys=False, allow_unicode=True)}
    if dependencies:
        data["external.yaml"] = yaml.safe_dump(dependencies, sort_keys=False, allow_unicode=True)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": part_of,
                                                  "app.kubernetes.io/managed-by": "archplan"},
                         "annotations": {"archplan.io/name": safe_text(plan.name)}},
            "data": data}


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (summaries, sizing notes) as readable literal blocks."""


def _str(dumper: yaml.SafeDumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)


def _dump(doc: dict) -> str:
    text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, explicit_start=True)
    if doc["kind"] == "PodDisruptionBudget":
        text = text.replace("\nspec:\n  maxUnavailable: 1\n", f"\nspec:\n  {PDB_COMMENT}\n  maxUnavailable: 1\n", 1)
    return text


def write_kubernetes(plan, result, out: Path, **options) -> Path:
    """Write the manifests as one multi-document YAML file."""
    no_options("Kubernetes", options)
    if not plan.components:
        raise ExportError("the plan has no components: nothing to write as Kubernetes manifests")
    docs = manifests(plan, result)
    header = (f"# Kubernetes manifests of {one_line(plan.name, 120)}, written by Archplan.\n"
              "# Images are placeholders and stand-ins; passwords are 'change-me'. Review before applying.\n")
    return write_text(out, header + "".join(_dump(doc) for doc in docs))
