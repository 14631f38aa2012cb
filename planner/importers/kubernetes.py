"""
Kubernetes manifests -> plan.

- Deployments, StatefulSets, DaemonSets, ReplicaSets, Pods, Jobs and CronJobs become components: the
  kind from the ``archplan.io/kind`` annotation an Archplan export writes, else from the main
  container's image, the Helm chart label (``helm.sh/chart``), the ``app.kubernetes.io`` labels and the
  name; Jobs and CronJobs are workers. A SQL StatefulSet with several replicas and no annotation is a
  primary plus read replicas (one primary, the other pods replicas, linked by replication).
- Instances (pinned): ``spec.replicas``, else the HorizontalPodAutoscaler's ``minReplicas`` (its range
  goes into the notes).
- Links: an Ingress (a load balancer component, by its class) routes to the workloads behind its
  backends' Services; host names in container environments (values and ConfigMaps through ``envFrom``)
  that name a Service (``db``, ``db.shop.svc.cluster.local``) link to the workloads that Service
  selects. Services of type LoadBalancer / NodePort and Ingresses are entry points.
- Groups: namespaces.
- Custom resources whose kind names a known system (a Strimzi ``Kafka``, a CloudNativePG ``Cluster``
  of postgresql.cnpg.io) become that component; other objects (Secrets, RBAC, PDBs) are not components.
- The summary ConfigMap of an Archplan export gives back ids, counts, clients, health checks,
  external providers and every link.

The same object (kind, namespace, name) twice is refused, as kubectl refuses it.
"""

from __future__ import annotations

from pathlib import Path

from archplan.planner.catalog import Behaviour, default_catalog
from archplan.planner.importers.draft import Draft, Imported, Item, pin
from archplan.planner.importers.kinds import (
    GENERIC_KIND,
    REPLICA_OF,
    REPLICA_WORDS,
    behaviour,
    image_kind,
    kind_from_words,
    name_kind,
    refine_replica,
    words,
)
from archplan.planner.importers.links import env_dict, env_links
from archplan.planner.importers.safe import MAX_FILES, Budget, ImportFailure, load_yaml_documents

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob")
INGRESS_CLASSES = {"alb": "lb.alb", "gce": "lb.alb", "azure-application-gateway": "lb.alb", "haproxy": "lb.haproxy",
                   "kong": "gateway.api", "apisix": "gateway.api"}
SIDECARS = ("istio-proxy", "linkerd-proxy", "envoy-sidecar", "cloud-sql-proxy", "vault-agent")
NOT_COMPONENTS = {"Secret", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
                  "PodDisruptionBudget", "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolume",
                  "StorageClass", "Namespace", "LimitRange", "ResourceQuota", "Endpoints", "EndpointSlice",
                  "ServiceMonitor", "PodMonitor", "CustomResourceDefinition", "Certificate", "Issuer"}


def read(path: Path) -> Imported:
    budget = Budget()
    objects = []
    for file in _files(path):
        for doc in load_yaml_documents(budget.read(file), str(file)):
            objects += _expand(doc, file)
    if not objects:
        raise ImportFailure(f"{path}: no Kubernetes objects (nothing with apiVersion and kind)")
    draft = Draft("kubernetes", str(path))
    seen: set[tuple[str, str, str]] = set()
    for obj in objects:
        ident = (obj["kind"], _ns(obj), _name(obj))
        if ident in seen:
            raise ImportFailure(f"{path}: {ident[0]} {ident[1]}/{ident[2]} is defined twice")
        seen.add(ident)
    namespaces = {_ns(o) for o in objects if (o.get("metadata") or {}).get("namespace")}
    reader = _Reader(draft, objects, grouped=bool(namespaces))
    reader.run()
    return draft.to_plan(reader.title or (path.name if path.is_dir() else path.stem))


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    if len(files) > MAX_FILES:
        raise ImportFailure(f"{path}: more than {MAX_FILES:,} YAML files")
    return files


def _expand(doc, file: Path) -> list[dict]:
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or "apiVersion" not in doc:
        raise ImportFailure(f"{file}: a document without apiVersion and kind is not a Kubernetes object")
    if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
        return [item for d in doc["items"] for item in _expand(d, file)]
    if not isinstance(doc.get("metadata"), dict) or not isinstance(doc["metadata"].get("name"), str):
        raise ImportFailure(f"{file}: a {doc['kind']} without metadata.name")
    return [doc]


def _ns(obj: dict) -> str:
    return str((obj.get("metadata") or {}).get("namespace") or "default")


def _name(obj: dict) -> str:
    return str(obj["metadata"]["name"])


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


class _Reader:
    def __init__(self, draft: Draft, objects: list[dict], grouped: bool):
        self.draft = draft
        self.objects = objects
        self.grouped = grouped
        self.workloads: dict[str, dict] = {}      # item key -> object
        self.hosts: dict[str, str] = {}            # "ns/service" and "service" -> item key
        self.replicas: dict[str, str] = {}         # primary item key -> its split-off read replicas
        self.title: str | None = None

    def run(self) -> None:
        for obj in self.objects:
            if obj["kind"] in WORKLOADS:
                self._workload(obj)
        for obj in self.objects:
            if obj["kind"] == "HorizontalPodAutoscaler":
                self._hpa(obj)
        services = [o for o in self.objects if o["kind"] == "Service"]
        for svc in services:
            self._service(svc)
        for obj in self.objects:
            kind = obj["kind"]
            if kind == "Ingress":
                self._ingress(obj)
            elif kind not in WORKLOADS and kind not in ("Service", "HorizontalPodAutoscaler", "ConfigMap"):
                self._other(obj)
        for obj in self.objects:
            if obj["kind"] == "ConfigMap" and "plan.yaml" in _dict(obj.get("data")):
                self._summary(obj)
        for key, obj in self.workloads.items():
            ns = _ns(obj)
            for container in self._containers(obj):
                env = env_dict(container.get("env"))
                for source in _list(container.get("envFrom")):
                    env.update(self._config_map(ns, _dict(_dict(source).get("configMapRef")).get("name")))
                env_links(self.draft, key, env, self.hosts, ns)

    # ------------------------------------------------------------------ objects
    def _group(self, obj: dict) -> str | None:
        if not self.grouped:
            return None
        ns = _ns(obj)
        return self.draft.group(f"namespace {ns}", ns, "group")

    def _containers(self, obj: dict) -> list[dict]:
        spec = _dict(obj.get("spec"))
        if obj["kind"] == "CronJob":
            spec = _dict(_dict(_dict(spec.get("jobTemplate")).get("spec")))
        pod = spec if obj["kind"] == "Pod" else _dict(_dict(spec.get("template")).get("spec"))
        return [c for c in _list(pod.get("containers")) if isinstance(c, dict)]

    def _pod_labels(self, obj: dict) -> dict:
        if obj["kind"] == "Pod":
            return _dict(obj["metadata"].get("labels"))
        return _dict(_dict(_dict(_dict(obj.get("spec")).get("template")).get("metadata")).get("labels"))

    def _workload(self, obj: dict) -> None:
        meta = obj["metadata"]
        annotations, labels = _dict(meta.get("annotations")), _dict(meta.get("labels"))
        name, ns = _name(obj), _ns(obj)
        containers = self._containers(obj)
        main = next((c for c in containers if c.get("ports") and c.get("name") not in SIDECARS),
                    next((c for c in containers if c.get("name") not in SIDECARS), containers[0] if containers else {}))
        image = str(main.get("image") or "")
        chart = str(labels.get("helm.sh/chart") or "")
        role = str(labels.get("app.kubernetes.io/component") or "")
        if annotations.get("archplan.io/kind") in default_catalog():
            kind, rule, known = str(annotations["archplan.io/kind"]), "annotation archplan.io/kind", True
        elif obj["kind"] in ("Job", "CronJob"):
            kind, rule, known = "compute.worker", f"a {obj['kind']}", True
        else:
            command = " ".join(map(str, _list(main.get("command")) + _list(main.get("args"))))
            kind, rule, known = image_kind(image, name, command)
            by_chart = kind_from_words(chart.rsplit("-", 1)[0]) if chart else None
            if by_chart and (not known or kind == GENERIC_KIND):
                kind, rule, known = by_chart[0], f"Helm chart {chart}", True
            kind = refine_replica(kind, name, role)
        replicas = pin(_dict(obj.get("spec")).get("replicas"))
        item = Item(f"{obj['kind']} {ns}/{name}", str(annotations.get("archplan.io/name") or name), kind, rule,
                    recognised=known, instances=replicas, group=self._group(obj),
                    id_hint=annotations.get("archplan.io/component"))
        if not known:
            item.notes.append(f"Unknown image {image or '(none)'}: imported as a generic service.")
        if obj["kind"] == "DaemonSet":
            item.instances = None
            item.notes.append("A DaemonSet: one pod per node.")
        split = (replicas and replicas > 1 and behaviour(kind) is Behaviour.SQL_PRIMARY
                 and "archplan.io/kind" not in annotations and obj["kind"] == "StatefulSet")
        if split:
            item.instances = 1
            item.notes.append(f"A StatefulSet of {replicas} pods: pod 0 is the primary, the others read replicas.")
        self.draft.add(item, obj["kind"])
        self.workloads[item.key] = obj
        if split:
            replica = self.draft.add(Item(f"{item.key} (replicas)", f"{item.name} replicas", REPLICA_OF[kind],
                                          f"replicas of StatefulSet {name}", instances=replicas - 1, group=item.group))
            self.draft.link(item.key, replica.key, "replication")
            self.replicas[item.key] = replica.key

    def _hpa(self, obj: dict) -> None:
        spec = _dict(obj.get("spec"))
        ref = _dict(spec.get("scaleTargetRef"))
        key = f"{ref.get('kind')} {_ns(obj)}/{ref.get('name')}"
        item = self.draft.items.get(key)
        if item is None:
            self.draft.notes.append(f"HorizontalPodAutoscaler {_name(obj)} scales {ref.get('kind')} "
                                    f"{ref.get('name')}, which is not in the manifests")
            return
        low, high = pin(spec.get("minReplicas")) or 1, pin(spec.get("maxReplicas"))
        if item.instances is None:
            item.instances = low
        item.notes.append(f"Autoscaled by HorizontalPodAutoscaler {_name(obj)}: {low} to {high or '?'} pods.")

    def _selected(self, ns: str, selector: dict) -> list[str]:
        if not selector:
            return []
        return [key for key, obj in self.workloads.items()
                if _ns(obj) == ns and all(self._pod_labels(obj).get(k) == v for k, v in selector.items())]

    def _service(self, svc: dict) -> None:
        spec = _dict(svc.get("spec"))
        ns, name = _ns(svc), _name(svc)
        if spec.get("type") == "ExternalName":
            kind, _rule, _known = name_kind(name, str(spec.get("externalName") or ""), default="ext.api")
            item = self.draft.add(Item(f"Service {ns}/{name}", name, kind,
                                       f"ExternalName service ({spec.get('externalName')})", group=self._group(svc)))
            self.hosts.setdefault(f"{ns}/{name}".lower(), item.key)
            self.hosts.setdefault(name.lower(), item.key)
            return
        targets = self._selected(ns, _dict(spec.get("selector")))
        if not targets:
            self.draft.notes.append(f"Service {ns}/{name} selects no workload in the manifests")
            return
        for key in targets:
            if spec.get("type") in ("LoadBalancer", "NodePort"):
                self.draft.items[key].entry = True
        target = targets[0]
        if target in self.replicas and REPLICA_WORDS.search(words(name)):  # "postgres-read": the replicas
            target = self.replicas[target]
        self.hosts.setdefault(f"{ns}/{name}".lower(), target)
        self.hosts.setdefault(name.lower(), target)

    def _backends(self, spec: dict) -> list[str]:
        backends = [_dict(spec.get("defaultBackend") or spec.get("backend"))]
        for rule in _list(spec.get("rules")):
            for path in _list(_dict(_dict(rule).get("http")).get("paths")):
                backends.append(_dict(_dict(path).get("backend")))
        names = []
        for backend in backends:
            service = _dict(backend.get("service")).get("name") or backend.get("serviceName")
            if service and service not in names:
                names.append(str(service))
        return names

    def _ingress(self, obj: dict) -> None:
        meta, spec = obj["metadata"], _dict(obj.get("spec"))
        annotations = _dict(meta.get("annotations"))
        ns, name = _ns(obj), _name(obj)
        cls = str(spec.get("ingressClassName") or annotations.get("kubernetes.io/ingress.class") or "nginx")
        if annotations.get("archplan.io/kind") in default_catalog():
            kind, rule = str(annotations["archplan.io/kind"]), "annotation archplan.io/kind"
        else:
            kind, rule = INGRESS_CLASSES.get(cls, "lb.nginx"), f"Ingress of class {cls}"
        item = self.draft.add(Item(f"Ingress {ns}/{name}", str(annotations.get("archplan.io/name") or name), kind, rule,
                                   group=self._group(obj), id_hint=annotations.get("archplan.io/component"),
                                   entry=True), "Ingress")
        for service in self._backends(spec):
            target = self.hosts.get(f"{ns}/{service}".lower())
            if target:
                self.draft.link(item.key, target, None, "backend")
            else:
                self.draft.notes.append(f"Ingress {ns}/{name} routes to Service {service}, which selects no workload")

    def _config_map(self, ns: str, name) -> dict:
        for obj in self.objects:
            if obj["kind"] == "ConfigMap" and _ns(obj) == ns and _name(obj) == name:
                return {str(k): v for k, v in _dict(obj.get("data")).items()}
        return {}

    def _other(self, obj: dict) -> None:
        kind, group = obj["kind"], str(obj["apiVersion"]).split("/")[0]
        if kind in NOT_COMPONENTS or (group.endswith("k8s.io") and kind not in ("Gateway",)):
            self.draft.skipped.append(f"{kind} {_name(obj)}")
            return
        found = kind_from_words(kind, group)
        if kind == "Gateway":
            found = ("gateway.api", "Gateway API")
        if found is None or found[0] == GENERIC_KIND:
            self.draft.skipped.append(f"{kind} {_name(obj)}")
            self.draft.notes.append(f"unknown resource kind {kind} ({obj['apiVersion']}) {_name(obj)}: not imported")
            return
        spec = _dict(obj.get("spec"))
        count = pin(spec.get("replicas") or spec.get("instances") or _dict(spec.get("kafka")).get("replicas"))
        item = self.draft.add(Item(f"{kind} {_ns(obj)}/{_name(obj)}", _name(obj), found[0],
                                   f"custom resource {kind} ({group})", instances=count, group=self._group(obj),
                                   notes=[f"An operator's {kind} resource ({obj['apiVersion']})."]), kind)
        for host in (_name(obj), f"{_name(obj)}-kafka-bootstrap", f"{_name(obj)}-kafka-brokers"):
            self.hosts.setdefault(host.lower(), item.key)  # Strimzi's services

    def _summary(self, obj: dict) -> None:
        """The summary ConfigMap of an Archplan export: ids, counts, and what has no workload."""
        docs = load_yaml_documents(str(obj["data"]["plan.yaml"]), f"ConfigMap {_name(obj)}")
        summary = docs[0] if docs and isinstance(docs[0], dict) else {}
        self.title = str(summary.get("plan") or "") or self.title
        catalog = default_catalog()
        by_name_kind = {(i.name, i.kind): i for i in self.draft.items.values()}
        entries = [("component", e) for e in _list(summary.get("components"))]
        entries += [("client", e) for e in _list(summary.get("clients"))]
        for what, entry in entries:
            if not isinstance(entry, dict) or entry.get("kind") not in catalog:
                continue
            item = by_name_kind.get((str(entry.get("name")), entry["kind"]))
            if item is None:
                item = self.draft.add(Item(f"{what} {entry.get('id') or entry.get('name')}", str(entry.get("name")),
                                           entry["kind"], f"archplan summary ({what}s)",
                                           id_hint=entry.get("id")), what)
            item.id_hint = item.id_hint or entry.get("id")
            if item.instances is None and behaviour(item.kind) is not Behaviour.CLIENT:
                item.instances = pin(entry.get("count"))
        self.draft.exact_links(summary.get("links"))
