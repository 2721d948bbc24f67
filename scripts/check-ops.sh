#!/usr/bin/env bash
# Validates the demo stack's operations assets without Docker:
#   docker-compose.yml, demo-services/Dockerfile, collector-config/, prometheus/, grafana/.
# Prints one line per check ("ok" or "FAIL", failures followed by the reason, indented) and exits
# non-zero if any check failed. Idempotent; installs what it needs from Debian when missing
# (promtool from `prometheus`, `docker-compose`, `python3-yaml`, envsubst from `gettext-base`).
#
# Environment:
#   BLOCKED_TIME_CONTRACT  the contract to compare prometheus/contract-metrics.txt with
#                          [../shared/CONTRACT.md beside the checkout; skipped if absent]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CONTRACT=${BLOCKED_TIME_CONTRACT:-$ROOT/../shared/CONTRACT.md}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ROOT CONTRACT WORK

failures=0
checks=0
# check NAME COMMAND...: runs COMMAND, prints one line, and on failure its output, indented.
check() {
  local name=$1 out
  shift
  checks=$((checks + 1))
  if out=$("$@" 2>&1); then
    printf 'ok    %s\n' "$name"
  else
    failures=$((failures + 1))
    printf 'FAIL  %s\n' "$name"
    printf '%s\n' "$out" | sed 's/^/        /'
  fi
}

# --- tools --------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  command -v envsubst >/dev/null 2>&1 || missing+=(gettext-base)
  python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "promtool, docker-compose, envsubst and PyYAML present"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  # apt-get update only when the package lists do not know a package yet.
  local pkg
  for pkg in "${missing[@]}"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      "${sudo[@]}" apt-get update -q || return 1
      break
    fi
  done
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    "${missing[@]}" || return 1
  echo "installed ${missing[*]}"
}

# --- docker-compose -----------------------------------------------------------------------------
compose() {
  docker-compose -f "$ROOT/docker-compose.yml" --project-directory "$ROOT" "$@"
}
compose_config_valid() {
  GRAFANA_ADMIN_PASSWORD=check-ops-dummy compose config -q
}
compose_requires_grafana_password() {
  if env -u GRAFANA_ADMIN_PASSWORD docker-compose -f "$ROOT/docker-compose.yml" \
      --project-directory "$ROOT" config -q >/dev/null 2>&1; then
    echo "docker-compose config succeeds without GRAFANA_ADMIN_PASSWORD: Grafana would get a default admin password"
    return 1
  fi
}
resolve_compose() {
  GRAFANA_ADMIN_PASSWORD=check-ops-dummy compose config > "$WORK/compose.resolved.yml"
}

# --- prometheus ---------------------------------------------------------------------------------
check_rules() { promtool check rules prometheus/rules/*.yml; }
test_rules() { promtool test rules prometheus/tests/*.yml; }
check_prometheus_config() { promtool check config prometheus/prometheus.yml; }
check_local_template() {
  local vars='${RULES_DIR} ${INTAKE_METRICS_TARGET} ${WORKER_METRICS_TARGET} ${LOADGEN_METRICS_TARGET}'
  RULES_DIR="$ROOT/prometheus/rules" INTAKE_METRICS_TARGET=127.0.0.1:9464 \
    WORKER_METRICS_TARGET=127.0.0.1:9465 LOADGEN_METRICS_TARGET=127.0.0.1:9466 \
    envsubst "$vars" < prometheus/prometheus-local.yml.tmpl > "$WORK/prometheus-local.yml" || return 1
  if grep -v '^[[:space:]]*#' "$WORK/prometheus-local.yml" | grep -n '\${'; then
    echo "placeholders left unfilled in prometheus/prometheus-local.yml.tmpl (fill list: $vars)"
    return 1
  fi
  promtool check config "$WORK/prometheus-local.yml"
}

# --- python checks (PyYAML) ---------------------------------------------------------------------
# One python program holds the structural checks; its first argument picks the check.
pycheck() { python3 - "$@" <<'PY'
import json, os, re, sys
import yaml

ROOT, WORK, CONTRACT = os.environ["ROOT"], os.environ["WORK"], os.environ["CONTRACT"]
errors = []
def fail(msg): errors.append(msg)
def load(path):
    with open(os.path.join(ROOT, path)) as f:
        return yaml.safe_load(f)
ENV_REF = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
def at_defaults(node):
    """A Collector config as compose runs it: every ${env:VAR:-default} at its default."""
    if isinstance(node, dict):
        return {k: at_defaults(v) for k, v in node.items()}
    if isinstance(node, list):
        return [at_defaults(v) for v in node]
    if isinstance(node, str):
        if ENV_REF.search(node) and any(m.group(2) is None for m in ENV_REF.finditer(node)):
            fail(f"collector config: {node!r} has no default (compose sets no variable)")
        return ENV_REF.sub(lambda m: m.group(2) or "", node)
    return node

def services_of_compose():
    return compose().get("services", {})

def compose():
    with open(os.path.join(WORK, "compose.resolved.yml")) as f:
        return yaml.safe_load(f)

def env_of(svc):
    env = svc.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) if "=" in e else (e, "") for e in env)
    return env

def ports_of(svc):
    """(host_ip, published, target) per port entry, short or long syntax."""
    out = []
    for p in svc.get("ports") or []:
        if isinstance(p, dict):
            out.append((p.get("host_ip", ""), str(p.get("published", "")), str(p.get("target"))))
            continue
        parts = str(p).split("/")[0].split(":")   # [[host_ip:]published:]target
        parts = [""] * (3 - len(parts)) + parts
        out.append((parts[-3], parts[-2], parts[-1]))
    return out

def port_of(endpoint):
    m = re.search(r":(\d+)/?$", endpoint.strip())
    return m.group(1) if m else None

# ---------------------------------------------------------------- compose policy
def check_compose_policy():
    c = compose()
    services = c.get("services", {})
    for name, svc in sorted(services.items()):
        if "build" not in svc:
            image = svc.get("image", "")
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if "@sha256:" not in image and (not tag or tag == "latest"):
                fail(f"service {name}: image {image!r} is not pinned to a version")
        for host_ip, published, target in ports_of(svc):
            if published and host_ip != "127.0.0.1":
                fail(f"service {name}: port {published}->{target} is published on {host_ip or 'all interfaces'}, not 127.0.0.1")
    for name in ("otel-collector", "jaeger", "prometheus", "grafana", "intake", "worker", "loadgen"):
        if name not in services:
            fail(f"service {name} is missing")
    for name in ("intake", "worker", "loadgen"):
        b = services.get(name, {}).get("build") or {}
        if not isinstance(b, dict) or b.get("dockerfile") != "demo-services/Dockerfile":
            fail(f"service {name}: not built from demo-services/Dockerfile")
        elif (b.get("args") or {}).get("SERVICE") != name:
            fail(f"service {name}: build arg SERVICE should be {name!r}")
    if not os.path.isfile(os.path.join(ROOT, "demo-services/Dockerfile")):
        fail("demo-services/Dockerfile does not exist")
    genv = env_of(services.get("grafana", {}))
    if genv.get("GF_SECURITY_ADMIN_PASSWORD") in (None, "", "admin"):
        fail("grafana: GF_SECURITY_ADMIN_PASSWORD must come from GRAFANA_ADMIN_PASSWORD")
    # The images are the releases scripts/build-stack.sh builds from stack/ (the demo and the stack
    # test run those): the Collector's core release, and Jaeger v2.N for module v1.(63+N).
    def pinned(gomod, module):
        m = re.search(r"^\s*" + re.escape(module) + r" v(\d+)\.(\d+)\.(\d+)", open(os.path.join(ROOT, gomod)).read(), re.M)
        return tuple(int(x) for x in m.groups()) if m else None
    def image_tag(name):
        image = services.get(name, {}).get("image", "")
        m = re.search(r":(\d+)\.(\d+)\.(\d+)$", image)
        return tuple(int(x) for x in m.groups()) if m else None
    core = pinned("stack/collector/go.mod", "go.opentelemetry.io/collector/otelcol")
    if core is None or image_tag("otel-collector") != core:
        fail(f"otel-collector: image {services.get('otel-collector', {}).get('image')!r} is not the Collector release stack/collector builds ({core})")
    jv1 = pinned("stack/jaeger/go.mod", "github.com/jaegertracing/jaeger")
    want = (2, jv1[1] - 63, jv1[2]) if jv1 else None
    if want is None or image_tag("jaeger") != want:
        fail(f"jaeger: image {services.get('jaeger', {}).get('image')!r} is not the Jaeger release stack/jaeger builds (v2 {want})")

# ---------------------------------------------------------------- Dockerfile
def check_dockerfile():
    text = open(os.path.join(ROOT, "demo-services/Dockerfile")).read()
    joined = re.sub(r"\\\n", " ", text)
    lines = [l.strip() for l in joined.splitlines() if l.strip() and not l.strip().startswith("#")]
    stages = [l for l in lines if l.upper().startswith("FROM ")]
    if len(stages) < 2:
        fail("Dockerfile: expected a build stage and a runtime stage")
    names = {m.group(1) for l in stages for m in [re.search(r"\bAS\s+(\S+)", l, re.I)] if m}
    for l in lines:
        m = re.search(r"--from=(\S+)", l)
        if m and m.group(1) not in names:
            fail(f"Dockerfile: COPY --from={m.group(1)} names no stage")
    if not re.search(r"^ARG JRE_IMAGE=eclipse-temurin:17-jre$", text, re.M) or not stages[-1].startswith("FROM ${JRE_IMAGE}"):
        fail("Dockerfile: the runtime stage should be eclipse-temurin:17-jre")
    if re.search(r"\b(curl|wget)\b", " ".join(l for l in lines if l.upper().startswith("RUN "))):
        fail("Dockerfile: downloads with curl/wget; the agent must come through the Maven dependency plugin")
    if "dependency:copy" not in joined or "io.opentelemetry.javaagent:opentelemetry-javaagent" not in joined:
        fail("Dockerfile: the agent is not fetched with the Maven dependency plugin")
    entry = [l for l in lines if l.upper().startswith("ENTRYPOINT")]
    if not entry:
        fail("Dockerfile: no ENTRYPOINT")
    else:
        cmd = json.loads(entry[-1][len("ENTRYPOINT"):].strip())
        for want in ("java", "-javaagent:/otel/opentelemetry-javaagent.jar",
                     "-Dotel.javaagent.extensions=/otel/blocked-time-extension.jar", "-jar"):
            if want not in cmd:
                fail(f"Dockerfile: ENTRYPOINT lacks {want}")
    for produced in ("-Dmdep.stripVersion=true", "/out/otel/blocked-time-extension.jar", "COPY --from=build /out/otel/ /otel/"):
        if produced not in joined:
            fail(f"Dockerfile: expected {produced!r} (agent and extension under /otel)")

# ---------------------------------------------------------------- collector
def check_collector():
    cfg = at_defaults(load("collector-config/otel-collector.yaml"))
    kinds = ("receivers", "processors", "exporters", "connectors", "extensions")
    defined = {k: set((cfg.get(k) or {}).keys()) for k in kinds}
    used = {k: set() for k in kinds}
    service = cfg.get("service") or {}
    pipelines = service.get("pipelines") or {}
    for sig in ("traces", "metrics", "logs"):
        if sig not in pipelines:
            fail(f"no {sig} pipeline")
    for pname, p in pipelines.items():
        p = p or {}
        if not p.get("receivers") or not p.get("exporters"):
            fail(f"pipeline {pname}: needs receivers and exporters")
        for kind in ("receivers", "processors", "exporters"):
            for comp in p.get(kind) or []:
                used[kind].add(comp)
                if comp not in defined[kind] and not (kind != "processors" and comp in defined["connectors"]):
                    fail(f"pipeline {pname}: {kind[:-1]} {comp} is not defined")
        procs = p.get("processors") or []
        if procs and procs[0] != "memory_limiter":
            fail(f"pipeline {pname}: memory_limiter should come first")
        if "batch" not in procs:
            fail(f"pipeline {pname}: no batch processor")
    used["extensions"] = set(service.get("extensions") or [])
    for kind in ("receivers", "processors", "exporters", "extensions"):
        for comp in sorted(defined[kind] - used[kind]):
            fail(f"{kind[:-1]} {comp} is defined but not used")
    want = {"traces": "otlp_grpc/jaeger", "metrics": "prometheus", "logs": "debug"}
    for sig, exp in want.items():
        if exp not in ((pipelines.get(sig) or {}).get("exporters") or []):
            fail(f"pipeline {sig}: should export to {exp}")
    if ((cfg.get("exporters") or {}).get("debug") or {}).get("verbosity") != "detailed":
        fail("debug exporter: verbosity should be detailed")
    jaeger = (cfg.get("exporters") or {}).get("otlp_grpc/jaeger") or {}
    if jaeger.get("endpoint") != "jaeger:4317" or not (jaeger.get("tls") or {}).get("insecure"):
        fail("otlp_grpc/jaeger: endpoint jaeger:4317 with tls.insecure expected")
    jcfg = at_defaults(load("collector-config/jaeger.yaml"))
    jgrpc = (((jcfg.get("receivers") or {}).get("otlp") or {}).get("protocols") or {}).get("grpc") or {}
    if port_of(jgrpc.get("endpoint", "")) != "4317" or not jgrpc.get("endpoint", "").startswith("0.0.0.0:"):
        fail(f"collector-config/jaeger.yaml: OTLP gRPC should listen on 0.0.0.0:4317, found {jgrpc.get('endpoint')!r}")
    jq = port_of((((jcfg.get("extensions") or {}).get("jaeger_query") or {}).get("http") or {}).get("endpoint", ""))
    if jq not in {t for _, _, t in ports_of(services_of_compose().get("jaeger", {}))}:
        fail(f"docker-compose: jaeger does not publish its query port {jq}")
    if not any("collector-config/jaeger.yaml" in str(v) for v in services_of_compose().get("jaeger", {}).get("volumes") or []):
        fail("docker-compose: jaeger does not mount collector-config/jaeger.yaml")

    protocols = (((cfg.get("receivers") or {}).get("otlp") or {}).get("protocols") or {})
    grpc_ep = (protocols.get("grpc") or {}).get("endpoint", "")
    http_ep = (protocols.get("http") or {}).get("endpoint", "")
    grpc_port, http_port = port_of(grpc_ep), port_of(http_ep)
    if grpc_port != "4317" or http_port != "4318":
        fail(f"otlp receiver: expected gRPC 4317 and HTTP 4318, found {grpc_ep!r} and {http_ep!r}")
    for ep in (grpc_ep, http_ep):
        if not ep.startswith("0.0.0.0:"):
            fail(f"otlp receiver endpoint {ep!r} is not reachable from other containers (use 0.0.0.0)")

    c = compose()
    services = c.get("services", {})
    col = services.get("otel-collector", {})
    targets = {t for _, _, t in ports_of(col)}
    for port in (grpc_port, http_port):
        if port not in targets:
            fail(f"docker-compose: otel-collector does not publish OTLP port {port}")
    mounted = [v for v in col.get("volumes") or [] if "collector-config/otel-collector.yaml" in str(v)]
    cmd = " ".join(col.get("command") or [])
    m = re.search(r"--config[= ](\S+)", cmd)
    if not mounted:
        fail("docker-compose: otel-collector does not mount collector-config/otel-collector.yaml")
    elif m and not any(str(v).split(":")[1] == m.group(1) for v in mounted):
        fail(f"docker-compose: otel-collector reads {m.group(1)}, which is not where the config is mounted")
    # Every service that exports OTLP must point at a collector port of the right protocol.
    senders = 0
    for name, svc in sorted(services.items()):
        env = env_of(svc)
        ep = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        if name in ("intake", "worker", "loadgen") and not ep:
            fail(f"service {name}: OTEL_EXPORTER_OTLP_ENDPOINT is not set")
        if not ep:
            continue
        senders += 1
        mm = re.match(r"^(https?)://([^:/]+):(\d+)/?$", ep)
        if not mm:
            fail(f"service {name}: OTEL_EXPORTER_OTLP_ENDPOINT={ep!r} is not http://host:port")
            continue
        host, port = mm.group(2), mm.group(3)
        proto = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
        want_port = grpc_port if proto == "grpc" else http_port
        if host != "otel-collector":
            fail(f"service {name}: OTLP endpoint host {host!r} is not the otel-collector service")
        if port != want_port:
            fail(f"service {name}: OTLP endpoint port {port} does not match the collector's {proto} receiver port {want_port}")
    if senders == 0:
        fail("no service exports OTLP to the collector")
    # Prometheus scrapes the collector's prometheus exporter.
    prom_port = port_of(((cfg.get("exporters") or {}).get("prometheus") or {}).get("endpoint", ""))
    pcfg = load("prometheus/prometheus.yml")
    scrape_targets = [t for sc in pcfg.get("scrape_configs") or [] for st in sc.get("static_configs") or [] for t in st.get("targets") or []]
    if f"otel-collector:{prom_port}" not in scrape_targets:
        fail(f"prometheus/prometheus.yml does not scrape otel-collector:{prom_port} (the prometheus exporter)")
    for sc in pcfg.get("scrape_configs") or []:
        if any(t.startswith("otel-collector:") for st in sc.get("static_configs") or [] for t in st.get("targets") or []) and not sc.get("honor_labels"):
            fail("prometheus/prometheus.yml: the collector scrape needs honor_labels: true (job/instance come from the exporter)")

# ---------------------------------------------------------------- grafana
def dashboard_files():
    d = os.path.join(ROOT, "grafana/dashboards")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))

def check_grafana():
    ds_uids = {}
    dsdir = os.path.join(ROOT, "grafana/provisioning/datasources")
    for f in sorted(os.listdir(dsdir)):
        for ds in (yaml.safe_load(open(os.path.join(dsdir, f))) or {}).get("datasources") or []:
            ds_uids[ds.get("uid")] = ds.get("type")
    if sorted(ds_uids.values()) != ["jaeger", "prometheus"]:
        fail(f"datasources: expected one Prometheus and one Jaeger, found {ds_uids}")
    c = compose()
    graf = c["services"].get("grafana", {})
    mounts = {str(v).split(":")[0].replace(ROOT + "/", ""): str(v).split(":")[1] for v in graf.get("volumes") or []}
    if mounts.get("grafana/provisioning") != "/etc/grafana/provisioning":
        fail("docker-compose: grafana/provisioning is not mounted at /etc/grafana/provisioning")
    pdir = os.path.join(ROOT, "grafana/provisioning/dashboards")
    for f in sorted(os.listdir(pdir)):
        for prov in (yaml.safe_load(open(os.path.join(pdir, f))) or {}).get("providers") or []:
            path = (prov.get("options") or {}).get("path")
            if mounts.get("grafana/dashboards") != path:
                fail(f"dashboard provider {prov.get('name')}: path {path} is not where docker-compose mounts grafana/dashboards")
    files = dashboard_files()
    if not files:
        fail("no dashboard in grafana/dashboards")
    for path in files:
        d = json.load(open(path))
        ids, seen_titles = set(), set()
        for p in d.get("panels", []):
            if p.get("id") in ids:
                fail(f"{os.path.basename(path)}: duplicate panel id {p.get('id')}")
            ids.add(p.get("id"))
            if p.get("type") == "row":
                continue
            if not p.get("targets"):
                fail(f"{os.path.basename(path)}: panel {p.get('title')!r} has no query")
            for t in p.get("targets", []):
                uid = (t.get("datasource") or p.get("datasource") or {}).get("uid")
                if uid not in ds_uids:
                    fail(f"{os.path.basename(path)}: panel {p.get('title')!r} uses datasource uid {uid!r}, not provisioned")
        for v in d.get("templating", {}).get("list", []):
            uid = (v.get("datasource") or {}).get("uid")
            if v.get("type") == "query" and uid not in ds_uids:
                fail(f"{os.path.basename(path)}: variable {v.get('name')} uses datasource uid {uid!r}, not provisioned")

# Grafana's variables, replaced so promtool can parse the expressions.
def grafana_to_promql(expr):
    expr = expr.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$__interval", "1m")
    return re.sub(r"\$\{?(\w+)\}?", r".*", expr)

def dashboard_queries():
    """(where, promql, legend) for every panel query and query variable."""
    out = []
    for path in dashboard_files():
        d = json.load(open(path))
        base = os.path.basename(path)
        for p in d.get("panels", []):
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((f"{base}: {p.get('title')}", t["expr"], t.get("legendFormat", "")))
        for v in d.get("templating", {}).get("list", []):
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            if v.get("type") == "query" and q:
                m = re.match(r"^\s*label_values\((?:(.*),\s*)?(\w+)\)\s*$", q)
                if m:
                    out.append((f"{base}: variable {v['name']}", m.group(1) or "", "{{" + m.group(2) + "}}"))
                else:
                    out.append((f"{base}: variable {v['name']}", q, ""))
    return out

def write_dashboard_rules():
    rules = [{"record": f"dashboard_query:{i}", "expr": grafana_to_promql(e)}
             for i, (_, e, _) in enumerate(dashboard_queries()) if e]
    with open(os.path.join(WORK, "dashboard-queries.rules.yml"), "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, f)
    print(f"{len(rules)} dashboard queries written for promtool")

# ---------------------------------------------------------------- contract names
UNIT_SUFFIX = {"s": "seconds", "ms": "milliseconds", "By": "bytes", "1": "ratio"}
STANDARD_LABELS = {"__name__", "job", "instance", "le", "otel_scope_name", "otel_scope_version",
                   "otel_scope_schema_url", "alertname", "alertstate", "severity"}
# Series that exporters or Prometheus make themselves: resource attributes (target_info) and alerts.
BUILTIN_METRICS = {"target_info", "ALERTS"}
PROMQL_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                   "or", "unless", "offset", "inf", "nan", "atan2", "start", "end"}

def prom_label(attr):
    return re.sub(r"[^a-zA-Z0-9_]", "_", attr)

def contract_metrics():
    rows = []
    for line in open(os.path.join(ROOT, "prometheus/contract-metrics.txt")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, instrument, unit, attrs = line.split()
        rows.append((name, instrument, unit, [] if attrs == "-" else attrs.split(",")))
    return rows

def pending_exposition():
    """Contract metrics the recorded exposition predates: '# pending-exposition: NAME' lines."""
    names = set()
    for line in open(os.path.join(ROOT, "prometheus/contract-metrics.txt")):
        m = re.match(r"#\s*pending-exposition:\s*(\S+)", line)
        if m:
            names.add(m.group(1))
    return names

def prom_names(name, instrument, unit):
    base = re.sub(r"[^a-zA-Z0-9_:]", "_", name)
    suffix = "" if unit.startswith("{") else UNIT_SUFFIX.get(unit, unit)
    if suffix and not base.endswith("_" + suffix):
        base += "_" + suffix
    if instrument == "histogram":
        return [base + "_bucket", base + "_sum", base + "_count"]
    if instrument == "counter":
        return [base + "_total"]
    return [base]

def contract_from_markdown(path):
    text = open(path).read()
    def section_attrs(title):
        m = re.search(r"^### " + title + r"[^\n]*\n(.*?)(?=^#)", text, re.M | re.S)
        return re.findall(r"^- `([^`]+)`", m.group(1), re.M) if m else []
    # every "### <Kind> attributes ..." section is a group: queue, lock, executor, ...
    groups = {k.lower() + " attributes": section_attrs(k + " attributes")
              for k in re.findall(r"^### (\w+) attributes", text, re.M)}
    rows = []
    msec = re.search(r"^## Metrics\n(.*?)(?=^## )", text, re.M | re.S)
    for m in re.finditer(r"^\| `([^`]+)` \| (\w+) \| `([^`]+)` \| (.*?) \|$", msec.group(1), re.M):
        name, instrument, unit, cell = m.groups()
        attrs = []
        for part in [p.strip() for p in cell.split(",")]:
            if part in groups:
                attrs += groups[part]
            elif part == "none":
                pass
            else:
                attrs += re.findall(r"`([^`]+)`", part)
        rows.append((name, instrument, unit, attrs))
    return rows

def strip_strings(s):
    return re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', s)

def promql_names(expr):
    """(metric names, label names) used in a PromQL expression; a lexical scan, not a parser."""
    labels = set()
    s = re.sub(r"\$\{?\w+\}?", "", expr)            # Grafana variables
    s = strip_strings(s)
    for body in re.findall(r"\{([^{}]*)\}", s):
        labels.update(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)", body))
    for kw, body in re.findall(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", s):
        labels.update(x.strip() for x in body.split(",") if x.strip())
    s = re.sub(r"\{[^{}]*\}", " ", s)
    s = re.sub(r"\[[^\]]*\]", " ", s)
    s = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    metrics = set()
    for m in re.finditer(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?", s):
        ident, call = m.group(1), m.group(2)
        if ident and not call and ident.lower() not in PROMQL_KEYWORDS:
            metrics.add(ident)
    return metrics, labels

def template_queries(text):
    """PromQL inside the alert annotations' {{ printf `...` | query }} templates."""
    return [q.replace("%q", '"x"') for q in re.findall(r"printf\s+`([^`]*)`", text)]

def series_names(series):
    m = re.match(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)?\s*(\{.*\})?\s*$", series)
    name = m.group(1) if m else None
    labels = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=", strip_strings(m.group(2) or ""))) if m else set()
    return name, labels

def check_names():
    rows = contract_metrics()
    if os.path.isfile(CONTRACT):
        md = contract_from_markdown(CONTRACT)
        if not md:
            fail(f"{CONTRACT}: found no metrics table")
        md_set, rows_set = set(map(str, md)), set(map(str, rows))
        for r in sorted(md_set - rows_set):
            fail(f"in {CONTRACT} but not in prometheus/contract-metrics.txt: {r}")
        for r in sorted(rows_set - md_set):
            fail(f"in prometheus/contract-metrics.txt but not in {CONTRACT}: {r}")
        if md and md_set == rows_set:
            print(f"prometheus/contract-metrics.txt matches {CONTRACT}")
    else:
        print(f"{CONTRACT} not found: using prometheus/contract-metrics.txt alone")
    known = {}
    attrs = set()
    for name, instrument, unit, a in rows:
        for p in prom_names(name, instrument, unit):
            known[p] = name
        attrs.update(prom_label(x) for x in a)
    allowed_labels = attrs | STANDARD_LABELS

    rule_files = sorted(os.path.join("prometheus/rules", f) for f in os.listdir(os.path.join(ROOT, "prometheus/rules")) if f.endswith(".yml"))
    recorded, alerts, uses = set(), set(), []   # uses: (where, metric names, label names)
    for rf in rule_files:
        for g in load(rf).get("groups", []):
            for r in g.get("rules", []):
                where = f"{rf}: {r.get('record') or r.get('alert')}"
                if "record" in r:
                    recorded.add(r["record"])
                    if r["record"].count(":") < 2:
                        fail(f"{where}: recording rule names follow level:metric:operations")
                else:
                    alerts.add(r["alert"])
                    if (r.get("labels") or {}).get("severity") not in ("info", "warning", "critical"):
                        fail(f"{where}: severity label missing or not info/warning/critical")
                    ann = r.get("annotations") or {}
                    if not ann.get("summary") or not ann.get("description"):
                        fail(f"{where}: needs summary and description annotations")
                    for q in template_queries(" ".join(ann.values())):
                        uses.append((where + " (annotation)",) + promql_names(q))
                    for lbl in re.findall(r"\$labels\.(\w+)", " ".join(ann.values())):
                        uses.append((where + " (annotation)", set(), {lbl}))
                uses.append((where,) + promql_names(r["expr"]))
    test_files = sorted(os.path.join("prometheus/tests", f) for f in os.listdir(os.path.join(ROOT, "prometheus/tests")) if f.endswith(".yml"))
    fires, quiet = set(), set()
    for tf in test_files:
        for t in load(tf).get("tests", []):
            where = f"{tf}: {t.get('name')}"
            for s in t.get("input_series", []):
                name, lbls = series_names(s["series"])
                uses.append((where, {name} if name else set(), lbls))
            for pt in t.get("promql_expr_test", []):
                uses.append((where,) + promql_names(pt["expr"]))
            for at in t.get("alert_rule_test", []):
                if at["alertname"] not in alerts:
                    fail(f"{where}: tests alert {at['alertname']}, which no rule defines")
                (fires if at.get("exp_alerts") else quiet).add(at["alertname"])
                for ea in at.get("exp_alerts") or []:
                    uses.append((where, set(), set((ea.get("exp_labels") or {}).keys())))
    for a in sorted(alerts):
        if a not in fires:
            fail(f"alert {a}: no test where it fires")
        if a not in quiet:
            fail(f"alert {a}: no test where it stays quiet")
    for where, expr, legend in dashboard_queries():
        m, l = promql_names(expr)
        l |= set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))
        uses.append((where, m, l))

    for where, metrics, labels in uses:
        for m in sorted(metrics):
            if m not in known and m not in recorded and m not in BUILTIN_METRICS:
                fail(f"{where}: metric {m} is not a contract metric (nor a recording rule)")
        for l in sorted(labels):
            if l not in allowed_labels:
                fail(f"{where}: label {l} is not a contract attribute")
    used = {m for _, ms, _ in uses for m in ms}
    print(f"{len(used & set(known))} contract series names, {len(recorded)} recording rules, {len(alerts)} alerts checked in rules, tests and dashboards")

def check_exposition():
    """The derivation above against what the real agent served (prometheus/testdata)."""
    path = os.path.join(ROOT, "prometheus/testdata/agent-2.33.1-exposition.txt")
    seen = {}
    for line in open(path):
        if not line.strip() or line.startswith("#"):
            continue
        name, labels = series_names(line.rsplit(" ", 1)[0])
        if name != "target_info":
            seen.setdefault(name, set()).update(labels)
    want = {}
    for name, instrument, unit, attrs in contract_metrics():
        if name in pending_exposition():
            print(f"{name}: not in the recorded exposition yet (pending)")
            continue
        for p in prom_names(name, instrument, unit):
            want[p] = {prom_label(a) for a in attrs} | {"otel_scope_name", "otel_scope_version"} | ({"le"} if p.endswith("_bucket") else set())
    for n in sorted(set(want) - set(seen)):
        fail(f"derived name {n} is not in the agent's exposition")
    for n in sorted(set(seen) - set(want)):
        fail(f"the agent's exposition has {n}, which the derivation does not produce")
    for n in sorted(set(want) & set(seen)):
        if want[n] != seen[n]:
            fail(f"{n}: derived labels {sorted(want[n])}, agent's {sorted(seen[n])}")
    if not errors:
        print(f"{len(seen)} series names and their labels match")

checks = {"compose-policy": check_compose_policy, "exposition": check_exposition, "dockerfile": check_dockerfile,
          "collector": check_collector, "grafana": check_grafana,
          "dashboard-rules": write_dashboard_rules, "names": check_names}
try:
    checks[sys.argv[1]]()
except Exception as e:  # a crash is a failed check, with its reason
    fail(f"{type(e).__name__}: {e}")
if errors:
    print("\n".join(errors))
    sys.exit(1)
PY
}
check_dashboard_queries() {
  pycheck dashboard-rules && promtool check rules "$WORK/dashboard-queries.rules.yml"
}

# --- run ----------------------------------------------------------------------------------------
start=$(date +%s)
checks=$((checks + 1))
if tools=$(ensure_tools 2>&1); then
  printf 'ok    tools: %s\n' "$(printf '%s\n' "$tools" | tail -n 1)"
else
  failures=$((failures + 1))
  printf 'FAIL  tools (promtool, docker-compose, envsubst, PyYAML)\n'
  printf '%s\n' "$tools" | tail -n 20 | sed 's/^/        /'
fi
check "docker-compose config -q" compose_config_valid
check "docker-compose refuses to start Grafana without GRAFANA_ADMIN_PASSWORD" compose_requires_grafana_password
if resolve_compose 2>"$WORK/compose.err"; then
  check "docker-compose: pinned images (Collector and Jaeger: the releases stack/ builds), ports on 127.0.0.1, demo services built from demo-services/Dockerfile" pycheck compose-policy
  check "collector config: pipelines' components defined and used, OTLP ports agree with docker-compose and services" pycheck collector
  check "grafana provisioning: datasources, dashboard provider path, panel datasources" pycheck grafana
else
  checks=$((checks + 1)); failures=$((failures + 1))
  echo "FAIL  docker-compose config could not be resolved"; sed 's/^/        /' "$WORK/compose.err"
fi
check "demo-services/Dockerfile: multi-stage, agent via Maven, java -javaagent entrypoint" pycheck dockerfile
check "promtool check rules prometheus/rules" check_rules
check "promtool test rules prometheus/tests" test_rules
check "promtool check config prometheus/prometheus.yml" check_prometheus_config
check "promtool check config prometheus/prometheus-local.yml.tmpl (rendered)" check_local_template
check "dashboard queries parse (promtool)" check_dashboard_queries
check "contract -> Prometheus names reproduce the real agent's exposition (prometheus/testdata)" pycheck exposition
check "metric and label names in rules, tests and dashboards are the contract's" pycheck names

echo "check-ops took $(( $(date +%s) - start ))s"
echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
