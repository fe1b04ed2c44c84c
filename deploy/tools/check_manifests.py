#!/usr/bin/env python3
"""Checks rendered Codify manifests and the OpenTelemetry Collector config.

Usage: check_manifests.py --kubernetes-version 1.30.0 [--kubernetes-version 1.37.0 ...] \
           --collector otel/collector.yaml rendered/base.yaml rendered/istio.yaml ...

1. Every object is validated with kubernetes-validate against the strict schemas
   (unknown fields are errors) of each given Kubernetes version. A kind without a
   schema is an error, except the Istio CRDs in CRD_SUBSETS: those have no schema
   in kubernetes-validate and are checked against the small subset below instead.
2. Cross-object rules that a schema cannot see: selectors match the pod labels,
   probes and Services point at the gRPC port, the grace period covers the
   shutdown delay plus the drain, the pod is hardened, and so on.
3. The collector config: every component a pipeline names is defined, and
   memory_limiter comes first and batch last.

Exits 1 on any error, after printing all of them.
"""

import argparse
import re
import sys

import jsonschema
import kubernetes_validate
import yaml

GRPC_PORT = 50051
READINESS_SERVICE = "codify.v1.CodeService"
UID = 65532
# A Kubernetes resource quantity (the schema only says "string or integer").
QUANTITY = re.compile(r"[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?")


def closed(properties, required=()):
    """A JSON schema object that allows only the listed properties."""
    return {"type": "object", "properties": properties,
            "required": list(required), "additionalProperties": False}


DURATION = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?(ms|s|m|h)$"}
METADATA = {"type": "object", "required": ["name"]}
LABELS = {"type": "object", "additionalProperties": {"type": "string"}}

# Only the fields these manifests use; names and enums from the Istio API reference.
CRD_SUBSETS = {
    ("networking.istio.io/v1", "DestinationRule"): closed({
        "apiVersion": {}, "kind": {}, "metadata": METADATA,
        "spec": closed({
            "host": {"type": "string"},
            "trafficPolicy": closed({
                "tls": closed({"mode": {"enum": ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]}}),
                "loadBalancer": closed({"simple": {"enum": [
                    "UNSPECIFIED", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN"]}}),
                "connectionPool": closed({
                    "tcp": closed({
                        "maxConnections": {"type": "integer"},
                        "connectTimeout": DURATION,
                        "tcpKeepalive": closed({"time": DURATION, "interval": DURATION,
                                                "probes": {"type": "integer"}}),
                    }),
                    "http": closed({
                        "http1MaxPendingRequests": {"type": "integer"},
                        "http2MaxRequests": {"type": "integer"},
                        "maxRequestsPerConnection": {"type": "integer"},
                        "maxRetries": {"type": "integer"},
                        "idleTimeout": DURATION,
                    }),
                }),
                "outlierDetection": closed({
                    "consecutiveGatewayErrors": {"type": "integer"},
                    "consecutive5xxErrors": {"type": "integer"},
                    "interval": DURATION,
                    "baseEjectionTime": DURATION,
                    "maxEjectionPercent": {"type": "integer", "minimum": 0, "maximum": 100},
                    "minHealthPercent": {"type": "integer", "minimum": 0, "maximum": 100},
                }),
            }),
        }, required=["host"]),
    }, required=["spec"]),
    ("security.istio.io/v1", "PeerAuthentication"): closed({
        "apiVersion": {}, "kind": {}, "metadata": METADATA,
        "spec": closed({
            "selector": closed({"matchLabels": LABELS}),
            "mtls": closed({"mode": {"enum": ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"]}}),
        }),
    }, required=["spec"]),
}


class Report:
    def __init__(self):
        self.errors = []

    def check(self, condition, where, message):
        if not condition:
            self.errors.append(f"{where}: {message}")
        return condition


def name_of(obj):
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def validate_schema(report, source, obj, versions):
    key = (obj.get("apiVersion"), obj.get("kind"))
    where = f"{source} {name_of(obj)}"
    if key in CRD_SUBSETS:
        errors = list(jsonschema.Draft202012Validator(CRD_SUBSETS[key]).iter_errors(obj))
        for error in errors:
            path = ".".join(str(part) for part in error.absolute_path)
            report.check(False, where, f"{path}: {error.message}")
        if not errors:
            print(f"skip  {where}: CRD, no Kubernetes schema; checked against the Istio field subset")
        return
    passed = []
    for version in versions:
        try:
            passed.append(kubernetes_validate.validate(obj, version, strict=True))
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            report.check(False, where, f"Kubernetes {error.version}: {path}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            report.check(False, where, f"{error.message} (not an allowed CRD)")
    if len(passed) == len(versions):
        print(f"ok    {where} (strict schemas of Kubernetes {', '.join(passed)})")


def seconds(text):
    match = re.fullmatch(r"(\d+)(ms|s|m)?", text.strip())
    if not match:
        raise ValueError(f"bad duration {text!r}")
    value, unit = int(match.group(1)), match.group(2) or "s"
    return {"ms": value / 1000, "s": value, "m": value * 60}[unit]


def selects(selector, labels):
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def check_deployment(report, source, objects, deployment):
    where = f"{source} {name_of(deployment)}"
    spec = deployment["spec"]
    template = spec["template"]
    pod_labels = template["metadata"].get("labels", {})
    pod = template["spec"]
    by_kind = {}
    for obj in objects:
        by_kind.setdefault(obj["kind"], []).append(obj)

    report.check(selects(spec["selector"]["matchLabels"], pod_labels), where,
                 "selector does not match the pod labels")
    report.check(pod.get("automountServiceAccountToken") is False, where,
                 "automountServiceAccountToken must be false")
    accounts = [o["metadata"]["name"] for o in by_kind.get("ServiceAccount", [])]
    report.check(pod.get("serviceAccountName") in accounts, where,
                 "serviceAccountName names no rendered ServiceAccount")
    pod_security = pod.get("securityContext", {})
    report.check(pod_security.get("runAsNonRoot") is True and pod_security.get("runAsUser") == UID,
                 where, f"pod must run as non-root uid {UID}")
    report.check(pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault", where,
                 "pod seccompProfile must be RuntimeDefault")
    keys = {c["topologyKey"] for c in pod.get("topologySpreadConstraints", [])}
    report.check({"topology.kubernetes.io/zone", "kubernetes.io/hostname"} <= keys, where,
                 "must spread across zones and hosts")
    for constraint in pod.get("topologySpreadConstraints", []):
        report.check(selects(constraint["labelSelector"]["matchLabels"], pod_labels), where,
                     f"spread constraint on {constraint['topologyKey']} selects no pod")

    container = next(c for c in pod["containers"] if c["name"] == "codify")
    cwhere = f"{where} container codify"
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
    report.check(ports.get("grpc") == GRPC_PORT, cwhere, f"needs port grpc={GRPC_PORT}")
    for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
        probe = container.get(probe_name, {})
        report.check(probe.get("grpc", {}).get("port") == GRPC_PORT, cwhere,
                     f"{probe_name} must be a gRPC probe on {GRPC_PORT}")
    report.check(container.get("readinessProbe", {}).get("grpc", {}).get("service") == READINESS_SERVICE,
                 cwhere, f"readinessProbe must check service {READINESS_SERVICE}")
    startup = container.get("startupProbe", {})
    budget = startup.get("periodSeconds", 10) * startup.get("failureThreshold", 3)
    report.check(budget >= 60, cwhere, f"startupProbe allows {budget} s, want at least 60 s")
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            quantity = str(container.get("resources", {}).get(kind, {}).get(resource, ""))
            report.check(QUANTITY.fullmatch(quantity), cwhere,
                         f"resources.{kind}.{resource} {quantity!r} is missing or not a quantity")
    security = container.get("securityContext", {})
    report.check(security.get("readOnlyRootFilesystem") is True, cwhere, "root filesystem must be read-only")
    report.check(security.get("allowPrivilegeEscalation") is False, cwhere, "privilege escalation allowed")
    report.check(security.get("capabilities", {}).get("drop") == ["ALL"], cwhere, "capabilities must drop ALL")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
    report.check(tmp and "emptyDir" in volumes.get(tmp[0]["name"], {}), cwhere, "/tmp must be an emptyDir")

    # Settings: the ConfigMap the container reads, and the grace period they need.
    config_names = [e["configMapRef"]["name"] for e in container.get("envFrom", []) if "configMapRef" in e]
    config_maps = {o["metadata"]["name"]: o.get("data", {}) for o in by_kind.get("ConfigMap", [])}
    if report.check(config_names and all(n in config_maps for n in config_names), cwhere,
                    "envFrom names no rendered ConfigMap"):
        settings = {}
        for config_name in config_names:
            settings.update(config_maps[config_name])
        for key in ("CODIFY_SHUTDOWN_DELAY", "CODIFY_DRAIN_TIMEOUT", "CODIFY_LOG_FORMAT"):
            report.check(key in settings, cwhere, f"ConfigMap lacks {key}")
        report.check(settings.get("CODIFY_LOG_FORMAT") in ("text", "json"), cwhere,
                     "CODIFY_LOG_FORMAT must be text or json")
        listen = settings.get("CODIFY_LISTEN", f"0.0.0.0:{GRPC_PORT}")
        report.check(listen.rsplit(":", 1)[-1] == str(GRPC_PORT), cwhere,
                     f"CODIFY_LISTEN {listen} is not the container port {GRPC_PORT}")
        shutdown = seconds(settings.get("CODIFY_SHUTDOWN_DELAY", "0s")) + \
            seconds(settings.get("CODIFY_DRAIN_TIMEOUT", "20s"))
        grace = pod.get("terminationGracePeriodSeconds", 30)
        report.check(grace >= shutdown + 10, where,
                     f"terminationGracePeriodSeconds {grace} must exceed shutdown delay + drain "
                     f"({shutdown:g} s) by at least 10 s")

    # Objects that must find these pods.
    for service in by_kind.get("Service", []):
        swhere = f"{source} {name_of(service)}"
        report.check(selects(service["spec"].get("selector"), pod_labels), swhere, "selects no codify pod")
        grpc_ports = [p for p in service["spec"]["ports"] if p.get("name") == "grpc"]
        if report.check(len(grpc_ports) == 1, swhere, "needs one port named grpc"):
            port = grpc_ports[0]
            report.check(port.get("targetPort") in ("grpc", GRPC_PORT), swhere, "grpc port must target the grpc port")
            report.check(port.get("appProtocol") in ("grpc", "kubernetes.io/h2c"), swhere,
                         "grpc port needs appProtocol grpc")
    headless = [s for s in by_kind.get("Service", []) if s["spec"].get("clusterIP") == "None"]
    report.check(len(headless) == 1 and len(by_kind.get("Service", [])) == 2, where,
                 "want one ClusterIP and one headless Service")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        report.check(selects(pdb["spec"]["selector"]["matchLabels"], pod_labels),
                     f"{source} {name_of(pdb)}", "selects no codify pod")
    for policy in by_kind.get("NetworkPolicy", []):
        pwhere = f"{source} {name_of(policy)}"
        report.check(selects(policy["spec"]["podSelector"].get("matchLabels"), pod_labels), pwhere,
                     "selects no codify pod")
        ingress_ports = {p.get("port") for rule in policy["spec"].get("ingress", []) for p in rule.get("ports", [])}
        report.check(GRPC_PORT in ingress_ports, pwhere, f"ingress does not admit {GRPC_PORT}")
        egress_ports = {p.get("port") for rule in policy["spec"].get("egress", []) for p in rule.get("ports", [])}
        report.check({53, 4317, 4318} <= egress_ports, pwhere, "egress must allow DNS and OTLP")
    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        target = hpa["spec"]["scaleTargetRef"]
        report.check(target["kind"] == "Deployment" and target["name"] == deployment["metadata"]["name"],
                     f"{source} {name_of(hpa)}", "scaleTargetRef is not the codify Deployment")
    for kind in ("PodDisruptionBudget", "NetworkPolicy", "HorizontalPodAutoscaler", "ServiceAccount"):
        report.check(kind in by_kind, source, f"no {kind} rendered")
    service_names = [s["metadata"]["name"] for s in by_kind.get("Service", [])]
    for rule in by_kind.get("DestinationRule", []):
        report.check(rule["spec"]["host"].split(".")[0] in service_names,
                     f"{source} {name_of(rule)}", "host names no rendered Service")
    for authentication in by_kind.get("PeerAuthentication", []):
        report.check(selects(authentication["spec"].get("selector", {}).get("matchLabels"), pod_labels),
                     f"{source} {name_of(authentication)}", "selects no codify pod")


def check_collector(report, path):
    with open(path) as file:
        config = yaml.safe_load(file)
    sections = {section: config.get(section) or {} for section in
                ("receivers", "processors", "exporters", "extensions")}
    service = config.get("service", {})
    for extension in service.get("extensions", []):
        report.check(extension in sections["extensions"], path, f"extension {extension} is not defined")
    pipelines = service.get("pipelines", {})
    report.check({"traces", "metrics"} <= set(pipelines), path, "needs traces and metrics pipelines")
    for pipeline_name, pipeline in pipelines.items():
        where = f"{path} pipeline {pipeline_name}"
        for section in ("receivers", "processors", "exporters"):
            for component in pipeline.get(section, []):
                report.check(component in sections[section], where, f"{section[:-1]} {component} is not defined")
            report.check(section == "processors" or pipeline.get(section), where, f"no {section}")
        processors = pipeline.get("processors", [])
        report.check(processors[:1] == ["memory_limiter"], where, "memory_limiter must come first")
        report.check(processors[-1:] == ["batch"], where, "batch must come last")
    protocols = sections["receivers"].get("otlp", {}).get("protocols", {})
    report.check({"grpc", "http"} <= set(protocols), path, "otlp receiver needs grpc and http")
    print(f"ok    {path} (pipelines: {', '.join(pipelines)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubernetes-version", action="append", required=True)
    parser.add_argument("--collector", required=True)
    parser.add_argument("rendered", nargs="+")
    args = parser.parse_args()

    report = Report()
    for source in args.rendered:
        with open(source) as file:
            objects = [obj for obj in yaml.safe_load_all(file) if obj]
        report.check(objects, source, "rendered nothing")
        for obj in objects:
            validate_schema(report, source, obj, args.kubernetes_version)
        deployments = [o for o in objects if o["kind"] == "Deployment"]
        if report.check(len(deployments) == 1, source, "want exactly one Deployment"):
            check_deployment(report, source, objects, deployments[0])
    check_collector(report, args.collector)

    for error in report.errors:
        print(f"ERROR {error}", file=sys.stderr)
    if report.errors:
        print(f"{len(report.errors)} problem(s) found", file=sys.stderr)
        return 1
    print("all manifests valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
