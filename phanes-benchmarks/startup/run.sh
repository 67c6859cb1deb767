#!/usr/bin/env bash
# Start-up cost of the Phanes starter, measured beside a plain Boot application.
#
# Usage: phanes-benchmarks/startup/run.sh [N] [VARIANT...]
#   N        starts per variant (default 5)
#   VARIANT  names from the list below (default: all of them); plain is always included
# Environment:
#   SKIP_BUILD=1   reuse the jars in plain/target and phanes/target
#   ATTRIBUTE=0    skip the attribution runs (classes per jar and package, start-up steps)
#
# Both applications are built from the same source (src/) with the repository's Maven
# wrapper, under /tmp/phanes-maven.lock. The variants are started in turn (A, B, C, A, B, C,
# ...), each with -Xmx256m -XX:+UseSerialGC on a free loopback port. One start measures:
#   time     from just before `java` is started to the first GET /actuator/health that
#            answers 200 with "status":"UP" (polled every 25 ms)
#   rss      VmRSS of the process at that moment, and again 5 s later
#   classes  classes loaded 5 s after healthy (jstat -class, which does not attach)
#   spring   Spring Boot's own "Started ... in X seconds" figure
# and then stops the process with SIGTERM. Every Phanes JVM gets
# phanes.discovery.mdns.address=127.0.0.1 (system property and argument), so JmDNS never
# binds anything but loopback; the plain application gets it too, for symmetry.
#
# Results go to startup/target/results-<time>/ (results.tsv, summary.txt, logs/).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
N="${1:-5}"
if [[ $# -gt 0 ]]; then
	shift
fi
if ! [[ "${N}" =~ ^[1-9][0-9]?$ ]]; then
	echo "N must be a number from 1 to 99, not '${N}'" >&2
	exit 2
fi

# Every block of Phanes, switched off one by one or all together.
PHANES_BLOCKS=(store event config discovery loadbalancer collector)
ALL_BLOCKS_OFF=()
for block in "${PHANES_BLOCKS[@]}"; do
	ALL_BLOCKS_OFF+=("--phanes.${block}.enabled=false")
done
# What Spring Cloud Commons and Context switch on by default (not spring.cloud.util.enabled:
# without its InetUtils, the SimpleDiscoveryClient of Spring Cloud Commons cannot start).
CLOUD_OFF=(--spring.cloud.refresh.enabled=false --spring.cloud.loadbalancer.enabled=false
	--spring.cloud.discovery.enabled=false --spring.cloud.compatibility-verifier.enabled=false
	--spring.cloud.features.enabled=false
	--spring.cloud.decrypt-environment-post-processor.enabled=false)

DEFAULT_VARIANTS=(plain phanes phanes-blocks-off phanes-deps-only
	phanes-no-store phanes-no-event phanes-no-config phanes-no-discovery phanes-no-loadbalancer
	phanes-no-collector phanes-tracing-off phanes-lb-off phanes-refresh-off phanes-cloud-off
	phanes-lazy plain-lazy phanes-jar-no-otel phanes-jar-no-prometheus phanes-jar-no-cloud
	phanes-jar-no-context phanes-jar-no-cache phanes-jar-no-retry phanes-jar-no-jmdns)
if [[ $# -gt 0 ]]; then
	VARIANTS=(plain)
	for v in "$@"; do
		[[ "${v}" == plain ]] || VARIANTS+=("${v}")
	done
else
	VARIANTS=("${DEFAULT_VARIANTS[@]}")
fi

OUT="${HERE}/target/results-$(date -u +%Y%m%dT%H%M%SZ)"
JARS="${HERE}/target/jars"
mkdir -p "${OUT}/logs" "${JARS}"
RESULTS="${OUT}/results.tsv"
printf 'variant\trun\ttime_ms\tcpu_s\tspring_s\trss_healthy_mb\trss_5s_mb\tclasses\n' >"${RESULTS}"

# The processes started by this script, stopped on any exit.
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
		if kill -0 "${pid}" 2>/dev/null; then
			kill -TERM "${pid}" 2>/dev/null || true
			sleep 2
			kill -KILL "${pid}" 2>/dev/null || true
		fi
	done
}
trap cleanup EXIT

log() {
	echo "[$(date -u +%H:%M:%S)] $*" >&2
}

# --- build ---------------------------------------------------------------------------------
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	for app in plain phanes; do
		log "building ${app} (waits for /tmp/phanes-maven.lock)"
		(cd "${ROOT}" && flock /tmp/phanes-maven.lock ./mvnw -B -q \
			-f "phanes-benchmarks/startup/${app}/pom.xml" clean package)
	done
fi
PLAIN_JAR="${HERE}/plain/target/startup-plain.jar"
PHANES_JAR="${HERE}/phanes/target/startup-phanes.jar"

# Copies the phanes jar without the nested jars whose names match one of the regular
# expressions, and drops them from BOOT-INF/classpath.idx too: the same class path as a
# Maven exclusion of those dependencies, without a build per variant.
prune_jar() {
	local name="$1"
	shift
	python3 - "${PHANES_JAR}" "${JARS}/startup-phanes-${name}.jar" "$@" <<'PY'
import re, sys, zipfile
source, target, patterns = sys.argv[1], sys.argv[2], [re.compile(p) for p in sys.argv[3:]]
def dropped(name):
    lib = name.startswith('BOOT-INF/lib/') and name[len('BOOT-INF/lib/'):]
    return bool(lib) and any(p.search(lib) for p in patterns)
removed = []
with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, 'w') as zout:
    for info in zin.infolist():
        if dropped(info.filename):
            removed.append(info.filename[len('BOOT-INF/lib/'):])
            continue
        data = zin.read(info.filename)
        if info.filename == 'BOOT-INF/classpath.idx':
            lines = data.decode().splitlines(keepends=True)
            data = ''.join(l for l in lines if not dropped(l.strip()[3:-1])).encode()
        zout.writestr(info, data)
print(' '.join(removed) or 'nothing removed')
PY
}

OTEL_JARS=('^opentelemetry-' '^micrometer-tracing' '^spring-boot-micrometer-tracing'
	'^spring-boot-opentelemetry' '^context-propagation')
PROMETHEUS_JARS=('^prometheus-metrics-' '^micrometer-registry-prometheus')
CLOUD_JARS=('^spring-cloud-' '^spring-security-crypto' '^bcprov' '^reactor-extra' '^evictor'
	'^spring-boot-cache' '^caffeine' '^spring-context-support' '^spring-retry')
# Spring Cloud Context and what only it needs (Spring Cloud Commons and LoadBalancer stay).
CONTEXT_JARS=('^spring-cloud-context' '^spring-cloud-starter-[0-9]' '^spring-security-crypto' '^bcprov')
# The LoadBalancer's Caffeine cache.
CACHE_JARS=('^spring-boot-cache' '^caffeine' '^evictor' '^spring-context-support')
for v in "${VARIANTS[@]}"; do
	case "${v}" in
	phanes-deps-only) log "phanes-deps-only drops: $(prune_jar deps-only '^phanes-')" ;;
	phanes-jar-no-otel) log "phanes-jar-no-otel drops: $(prune_jar no-otel "${OTEL_JARS[@]}")" ;;
	phanes-jar-no-prometheus)
		log "phanes-jar-no-prometheus drops: $(prune_jar no-prometheus "${PROMETHEUS_JARS[@]}")" ;;
	phanes-jar-no-cloud) log "phanes-jar-no-cloud drops: $(prune_jar no-cloud "${CLOUD_JARS[@]}")" ;;
	phanes-jar-no-context) log "phanes-jar-no-context drops: $(prune_jar no-context "${CONTEXT_JARS[@]}")" ;;
	phanes-jar-no-cache) log "phanes-jar-no-cache drops: $(prune_jar no-cache "${CACHE_JARS[@]}")" ;;
	phanes-jar-no-retry) log "phanes-jar-no-retry drops: $(prune_jar no-retry '^spring-retry')" ;;
	phanes-jar-no-jmdns) log "phanes-jar-no-jmdns drops: $(prune_jar no-jmdns '^jmdns-')" ;;
	esac
done

# Sets JAR, JVM_ARGS and APP_ARGS for a variant.
variant() {
	JAR="${PHANES_JAR}"
	JVM_ARGS=()
	APP_ARGS=()
	case "$1" in
	plain) JAR="${PLAIN_JAR}" ;;
	plain-lazy)
		JAR="${PLAIN_JAR}"
		JVM_ARGS=(-Dspring.main.lazy-initialization=true)
		;;
	phanes) ;;
	phanes-blocks-off) APP_ARGS=("${ALL_BLOCKS_OFF[@]}") ;;
	phanes-no-*) APP_ARGS=("--phanes.${1#phanes-no-}.enabled=false") ;;
	phanes-tracing-off) APP_ARGS=(--management.tracing.enabled=false) ;;
	phanes-lb-off) APP_ARGS=(--spring.cloud.loadbalancer.enabled=false) ;;
	phanes-refresh-off) APP_ARGS=(--spring.cloud.refresh.enabled=false) ;;
	phanes-cloud-off) APP_ARGS=("${CLOUD_OFF[@]}") ;;
	phanes-lazy) JVM_ARGS=(-Dspring.main.lazy-initialization=true) ;;
	phanes-deps-only | phanes-jar-*)
		JAR="${JARS}/startup-${1/#phanes-jar-/phanes-}.jar"
		;;
	*)
		echo "unknown variant '$1'" >&2
		exit 2
		;;
	esac
	if [[ ! -f "${JAR}" ]]; then
		echo "no jar ${JAR} for variant '$1'" >&2
		exit 2
	fi
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# CPU time (user + system, all threads) the process has used so far, in seconds: less
# sensitive than wall time to other work on the machine.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

rss_mb() {
	awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Starts a variant: sets PID and PORT. Extra JVM options may follow the log file; extra
# application arguments are taken from EXTRA_APP_ARGS.
EXTRA_APP_ARGS=()
start() {
	local name="$1" logfile="$2"
	shift 2
	variant "${name}"
	PORT="$(free_port)"
	T0="$(date +%s%N)"
	java -Xmx256m -XX:+UseSerialGC -Dphanes.discovery.mdns.address=127.0.0.1 "${JVM_ARGS[@]+"${JVM_ARGS[@]}"}" "$@" \
		-jar "${JAR}" --server.address=127.0.0.1 --server.port="${PORT}" \
		--phanes.discovery.mdns.address=127.0.0.1 --spring.application.name=startup-bench \
		"${APP_ARGS[@]+"${APP_ARGS[@]}"}" "${EXTRA_APP_ARGS[@]+"${EXTRA_APP_ARGS[@]}"}" \
		>"${logfile}" 2>&1 &
	PID=$!
	PIDS+=("${PID}")
}

# Polls health until UP (at most 90 s, 25 ms apart); sets T1. Fails if the process dies.
await_healthy() {
	local logfile="$1" body polls=0
	while ((polls < 3600)); do
		if ! kill -0 "${PID}" 2>/dev/null; then
			log "process ${PID} exited before it was healthy; the end of ${logfile}:"
			tail -20 "${logfile}" >&2
			return 1
		fi
		body="$(curl -s --max-time 1 -w ' %{http_code}' "http://127.0.0.1:${PORT}/actuator/health" || true)"
		if [[ "${body}" == *'"status":"UP"'*' 200' ]]; then
			T1="$(date +%s%N)"
			return 0
		fi
		polls=$((polls + 1))
		sleep 0.025
	done
	log "process ${PID} not healthy after 90 s; last answer: ${body}"
	return 1
}

# Stops the current process with SIGTERM and waits for it (SIGKILL after 30 s).
stop() {
	local waited=0
	kill -TERM "${PID}" 2>/dev/null || true
	while kill -0 "${PID}" 2>/dev/null && ((waited < 300)); do
		sleep 0.1
		waited=$((waited + 1))
	done
	kill -KILL "${PID}" 2>/dev/null || true
	wait "${PID}" 2>/dev/null || true
}

# --- timed starts --------------------------------------------------------------------------
log "variants: ${VARIANTS[*]}; ${N} starts each; results in ${OUT}"
for ((run = 1; run <= N; run++)); do
	for v in "${VARIANTS[@]}"; do
		logfile="${OUT}/logs/${v}-${run}.log"
		start "${v}" "${logfile}"
		if ! await_healthy "${logfile}"; then
			stop
			printf '%s\t%d\tNA\tNA\tNA\tNA\tNA\tNA\n' "${v}" "${run}" >>"${RESULTS}"
			continue
		fi
		cpu="$(cpu_s "${PID}")"
		rss_healthy="$(rss_mb "${PID}")"
		sleep 5
		rss_later="$(rss_mb "${PID}")"
		classes="$(jstat -class "${PID}" | awk 'NR == 2 { print $1 }')"
		spring_s="$(grep -o 'Started StartupApp in [0-9.]* seconds' "${logfile}" | awk '{ print $4 }')"
		stop
		time_ms=$(((T1 - T0) / 1000000))
		printf '%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n' "${v}" "${run}" "${time_ms}" "${cpu}" "${spring_s:-NA}" \
			"${rss_healthy}" "${rss_later}" "${classes}" >>"${RESULTS}"
		log "${v} #${run}: ${time_ms} ms (${cpu} s CPU), ${rss_healthy} MB, ${rss_later} MB after 5 s, ${classes} classes"
	done
done

python3 - "${RESULTS}" <<'PY' | tee "${OUT}/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
variants = list(dict.fromkeys(r['variant'] for r in rows))
cols = ['time_ms', 'cpu_s', 'spring_s', 'rss_healthy_mb', 'rss_5s_mb', 'classes']
def values(v, c):
    return [float(r[c]) for r in rows if r['variant'] == v and r[c] != 'NA']
def med(v, c):
    xs = values(v, c)
    return statistics.median(xs) if xs else float('nan')
print('Medians [min-max] over the starts that became healthy')
print('| variant | ok | time to healthy ms | CPU s at healthy | Spring "Started" s | RSS healthy MB | RSS +5 s MB | classes |'
      ' time ÷ plain | CPU ÷ plain | RSS +5 s − plain MB | classes − plain | time gain vs phanes ms | RSS gain vs phanes MB |')
print('|' + ' --- |' * 14)
for v in variants:
    cells = []
    for c in cols:
        xs = values(v, c)
        fmt = '{:.2f}' if c in ('spring_s', 'cpu_s') else '{:.0f}' if c in ('time_ms', 'classes') else '{:.1f}'
        cells.append((fmt.format(statistics.median(xs)) + ' [' + fmt.format(min(xs)) + '–' + fmt.format(max(xs)) + ']') if xs else 'NA')
    ok = '%d/%d' % (len(values(v, 'time_ms')), sum(1 for r in rows if r['variant'] == v))
    ratio = med(v, 'time_ms') / med('plain', 'time_ms')
    cpu_ratio = med(v, 'cpu_s') / med('plain', 'cpu_s')
    drss = med(v, 'rss_5s_mb') - med('plain', 'rss_5s_mb')
    dcls = med(v, 'classes') - med('plain', 'classes')
    if 'phanes' in variants and v != 'phanes':
        gt = '%.0f' % (med('phanes', 'time_ms') - med(v, 'time_ms'))
        gr = '%.1f' % (med('phanes', 'rss_5s_mb') - med(v, 'rss_5s_mb'))
    else:
        gt = gr = ''
    print('| %s | %s | %s | %.2f× | %.2f× | %+.1f | %+.0f | %s | %s |' % (v, ok, ' | '.join(cells), ratio, cpu_ratio, drss, dcls, gt, gr))
PY

# --- attribution ---------------------------------------------------------------------------
# One start of each application with the class-loading log and the start-up steps recorded
# (not timed: both cost time). Classes are counted per nested jar and per package; the steps
# are ranked by their own time (their duration less that of their child steps).
if [[ "${ATTRIBUTE:-1}" == 1 ]]; then
	for v in plain phanes; do
		logfile="${OUT}/logs/${v}-attribution.log"
		EXTRA_APP_ARGS=(--management.endpoints.web.exposure.include=health,startup)
		start "${v}" "${logfile}" "-Xlog:class+load=info:file=${OUT}/${v}-classes.log" \
			-Dbench.startup-steps=true
		if await_healthy "${logfile}"; then
			sleep 5
			curl -s --max-time 10 "http://127.0.0.1:${PORT}/actuator/startup" >"${OUT}/${v}-steps.json" || true
		fi
		stop
	done
	python3 - "${OUT}" <<'PY' | tee "${OUT}/attribution.txt"
import collections, json, re, sys
out = sys.argv[1]
line_re = re.compile(r'\[class,load\] (\S+) source: (.*)$')
def load(app):
    by_jar, by_pkg = collections.Counter(), collections.Counter()
    for line in open('%s/%s-classes.log' % (out, app), errors='replace'):
        m = line_re.search(line)
        if not m:
            continue
        name, source = m.groups()
        jar = re.search(r'BOOT-INF/lib/([^!/]+)\.jar', source)
        if jar:
            by_jar[re.sub(r'-\d[\w.-]*$', '', jar.group(1))] += 1
        elif 'BOOT-INF/classes' in source:
            by_jar['(application)'] += 1
        elif 'shared objects file' in source or source.startswith('jrt:/'):
            by_jar['(JDK)'] += 1
        else:
            by_jar['(generated: lambdas, proxies, CGLIB)'] += 1
        pkg = name.split('$$')[0].rsplit('.', 1)[0].split('.')
        by_pkg['.'.join(pkg[:4] if pkg[:2] in (['org', 'springframework'], ['io', 'micrometer']) else pkg[:3])] += 1
    return by_jar, by_pkg
plain_jar, plain_pkg = load('plain')
phanes_jar, phanes_pkg = load('phanes')
print('Classes loaded at start (class+load log): plain %d, phanes %d, extra %d'
      % (sum(plain_jar.values()), sum(phanes_jar.values()), sum(phanes_jar.values()) - sum(plain_jar.values())))
for title, a, b in (('jar', phanes_jar, plain_jar), ('package', phanes_pkg, plain_pkg)):
    print('\nExtra classes per %s (phanes − plain), top 15' % title)
    print('| %s | phanes | plain | extra |\n| --- | --- | --- | --- |' % title)
    diff = sorted(((a[k] - b[k], k) for k in set(a) | set(b)), reverse=True)
    for d, k in diff[:15]:
        print('| %s | %d | %d | %+d |' % (k, a[k], b[k], d))
def beans(app):
    """Own time (ms) of each bean's instantiation: its duration less its child instantiations."""
    try:
        events = json.load(open('%s/%s-steps.json' % (out, app)))['timeline']['events']
    except Exception as e:
        print('\n(no start-up steps for %s: %s)' % (app, e))
        return None
    def ms(d):
        m = re.match(r'PT(?:(\d+)M)?([\d.]+)S', d)
        return (int(m.group(1) or 0) * 60 + float(m.group(2))) * 1000 if m else 0.0
    steps = {}
    for e in events:
        s = e['startupStep']
        if s['name'] == 'spring.beans.instantiate':
            tags = {t['key']: t['value'] for t in s.get('tags', [])}
            steps[s['id']] = [tags.get('beanName', '?'), ms(e['duration']), s.get('parentId'), ms(e['duration'])]
    for label, d, parent, duration in list(steps.values()):
        if parent in steps:
            steps[parent][1] -= duration
    own = collections.Counter()
    for label, d, parent, duration in steps.values():
        own[label] += d
    return own
phanes_beans, plain_beans = beans('phanes'), beans('plain')
if phanes_beans is not None and plain_beans is not None:
    extra = {k: v for k, v in phanes_beans.items() if k not in plain_beans}
    print('\nBean instantiation, own time: plain %.0f ms for %d beans, phanes %.0f ms for %d beans,'
          ' of which %.0f ms for the %d beans plain does not have'
          % (sum(plain_beans.values()), len(plain_beans), sum(phanes_beans.values()), len(phanes_beans),
             sum(extra.values()), len(extra)))
    print('\nBeans only phanes has, by own instantiation time (ms), top 25 (one start, noisy)')
    print('| bean | own ms |\n| --- | --- |')
    for k, v in sorted(extra.items(), key=lambda kv: -kv[1])[:25]:
        print('| %s | %.0f |' % (k, v))
PY
fi
log "done: ${OUT}"
