#!/usr/bin/env bash
# What the Phanes gateway costs a request, over real HTTP on loopback.
#
# One sample-app backend and the runnable Phanes gateway (phanes-gateway's exec jar) in front
# of it, found by mDNS:
#   gateway   GET http://gateway/<service>/instance: the service route, Phanes' balancer,
#             the retry filter, Spring Cloud Gateway's Netty client, then the backend
#   plain     GET http://gateway/plain/instance: the same gateway JVM, a plain Spring Cloud
#             Gateway route to the backend's fixed URL (StripPrefix=1): what any gateway hop costs
#   direct    GET http://backend/instance: the same backend, no gateway
# All three are warmed up with the same load, then measured in alternating wrk rounds. The
# figures are gateway ÷ direct requests per second and the p99 latency the gateway adds (the
# goal), and gateway ÷ plain (Phanes' part of the hop). Both JVMs
# trace every request (the sample's sampling probability of 1.0, given to the gateway too),
# so the backend does the same work either way.
#
#   phanes-benchmarks/gateway/run.sh                 # 60 s warm-up each, 3 rounds of 10 s each
#   WARM=30 ROUNDS=5 DURATION=15 phanes-benchmarks/gateway/run.sh
#
# Needs wrk (Debian package wrk), curl, python3 and the jars (built if missing).
# Multicast safety: every JVM binds mDNS to 127.0.0.1; all traffic stays on loopback.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
JAR="${JAR:-${ROOT}/phanes-sample-app/target/phanes-sample-app-0.1.0-SNAPSHOT.jar}"
GATEWAY_JAR="${GATEWAY_JAR:-${ROOT}/phanes-gateway/target/phanes-gateway-0.1.0-SNAPSHOT-exec.jar}"
WARM="${WARM:-60}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
OUT="${HERE}/target/results-$(date -u +%Y%m%dT%H%M%SZ)"
TICKS="$(getconf CLK_TCK)"

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
if [[ ! -f "${JAR}" || ! -f "${GATEWAY_JAR}" ]]; then
	(cd "${ROOT}" && flock /tmp/phanes-maven.lock ./mvnw -B -q package -DskipTests -pl phanes-sample-app,phanes-gateway -am)
fi
mkdir -p "${OUT}"

# shellcheck source=../processes.sh
source "${HERE}/../processes.sh"

run="gw$((RANDOM % 9000 + 1000))"
backend_port="$(free_port)"
gateway_port="$(free_port)"
backend="$(start backend "${backend_port}" "${JAR}" --spring.application.name="${run}-backend")"
PIDS+=("${backend}")
route="--spring.cloud.gateway.server.webflux.routes[0]"
gateway="$(start gateway "${gateway_port}" "${GATEWAY_JAR}" --management.tracing.sampling.probability=1.0 \
	"${route}.id=plain" "${route}.uri=http://127.0.0.1:${backend_port}" "${route}.predicates[0]=Path=/plain/**" \
	"${route}.filters[0]=StripPrefix=1")"
PIDS+=("${gateway}")
GATEWAY_URL="http://127.0.0.1:${gateway_port}/${run}-backend/instance"
DIRECT_URL="http://127.0.0.1:${backend_port}/instance"
PLAIN_URL="http://127.0.0.1:${gateway_port}/plain/instance"
log "waiting for the backend (${backend_port}) and the gateway (${gateway_port})"
answers "${DIRECT_URL}"
answers "${GATEWAY_URL}"
answers "${PLAIN_URL}"

log "warm-up: ${WARM} s through the gateway's service route, its plain route, and direct"
wrk -t2 -c"${CONNECTIONS}" -d"${WARM}s" "${GATEWAY_URL}" >"${OUT}/warm-gateway.txt"
wrk -t2 -c"${CONNECTIONS}" -d"${WARM}s" "${PLAIN_URL}" >"${OUT}/warm-plain.txt"
wrk -t2 -c"${CONNECTIONS}" -d"${WARM}s" "${DIRECT_URL}" >"${OUT}/warm-direct.txt"

# ms VALUE : a wrk latency (such as 850.00us, 2.31ms, 1.02s) in milliseconds
# measure NAME URL PID : one wrk round; prints "req/s p50-ms p99-ms cpu-ms-per-request"
measure() {
	local name="$1" url="$2" pid="$3" before after file requests
	file="${OUT}/${name}-$(date +%s%N).txt"
	before="$(cpu_ticks "${pid}")"
	wrk -t2 -c"${CONNECTIONS}" -d"${DURATION}s" --latency "${url}" >"${file}"
	after="$(cpu_ticks "${pid}")"
	requests="$(awk '/requests in/ { print $1 }' "${file}")"
	awk -v ticks=$((after - before)) -v hz="${TICKS}" -v requests="${requests}" '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/Requests\/sec/ { rps = $2 }
		/Non-2xx/ { bad = $NF }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		END { if (bad > 0) { print "non-2xx answers: " bad > "/dev/stderr"; exit 1 }
			printf "%s %.2f %.2f %.3f\n", rps, p50, p99, ticks * 1000 / hz / requests }' "${file}"
}

summary="${OUT}/summary.md"
{
	echo "| round | gateway req/s | plain route req/s | direct req/s | gateway ÷ direct | gateway ÷ plain | gateway p50 / p99 ms | plain p50 / p99 ms | direct p50 / p99 ms | p99 added ms | CPU ms/request: gateway JVM (service route / plain) / backend (direct) |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} >"${summary}"
ratios=()
added=()
phanes=()
for round in $(seq 1 "${ROUNDS}"); do
	log "round ${round} of ${ROUNDS}"
	read -r g_rps g_p50 g_p99 g_cpu < <(measure gateway "${GATEWAY_URL}" "${gateway}")
	read -r p_rps p_p50 p_p99 p_cpu < <(measure plain "${PLAIN_URL}" "${gateway}")
	read -r d_rps d_p50 d_p99 d_cpu < <(measure direct "${DIRECT_URL}" "${backend}")
	ratio="$(awk -v g="${g_rps}" -v d="${d_rps}" 'BEGIN { printf "%.2f", g / d }')"
	share="$(awk -v g="${g_rps}" -v p="${p_rps}" 'BEGIN { printf "%.2f", g / p }')"
	phanes+=("${share}")
	plus="$(awk -v g="${g_p99}" -v d="${d_p99}" 'BEGIN { printf "%.2f", g - d }')"
	ratios+=("${ratio}")
	added+=("${plus}")
	echo "| ${round} | ${g_rps} | ${p_rps} | ${d_rps} | ${ratio} | ${share} | ${g_p50} / ${g_p99} | ${p_p50} / ${p_p99} | ${d_p50} / ${d_p99} | ${plus} | ${g_cpu} / ${p_cpu} / ${d_cpu} |" >>"${summary}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
{
	echo
	echo "Median gateway ÷ direct: **$(median "${ratios[@]}")**, median p99 added: **$(median "${added[@]}") ms**, median gateway ÷ plain route: **$(median "${phanes[@]}")** (${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections, wrk -t2, after ${WARM} s of warm-up each)"
} >>"${summary}"
cat "${summary}"
log "done: ${OUT}"
