#!/usr/bin/env bash
# What Phanes' load balancer costs a call between two services, over real HTTP on loopback.
#
# One sample-app backend and two sample-app callers, both answering GET /peer/instance by
# calling the backend's GET /instance through an observed WebClient:
#   balanced  finds the backend by name (mDNS discovery, Phanes' balancer, retry filter)
#   direct    calls the backend's URL (sample.peer-url): same hops and observations, no balancer
# Both callers are warmed up with the same load (the JIT needs tens of thousands of requests),
# then measured in alternating wrk rounds. The figure is the ratio balanced / direct of the
# requests per second, and the callers' CPU time per request.
#
#   phanes-benchmarks/hop/run.sh                 # 60 s warm-up each, 3 rounds of 10 s each
#   WARM=30 ROUNDS=5 DURATION=15 phanes-benchmarks/hop/run.sh
#   phanes-benchmarks/hop/run.sh --management.tracing.sampling.probability=0.0   # caller arguments
#
# Needs wrk (Debian package wrk), curl and the sample app's jar (built if missing).
# Multicast safety: every JVM binds mDNS to 127.0.0.1; all traffic stays on loopback.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
JAR="${JAR:-${ROOT}/phanes-sample-app/target/phanes-sample-app-0.1.0-SNAPSHOT.jar}"
WARM="${WARM:-60}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-8}"
OUT="${HERE}/target/results-$(date -u +%Y%m%dT%H%M%SZ)"
TICKS="$(getconf CLK_TCK)"
CALLER_ARGS=("$@")

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }
if [[ ! -f "${JAR}" ]]; then
	(cd "${ROOT}" && flock /tmp/phanes-maven.lock ./mvnw -B -q package -DskipTests -pl phanes-sample-app -am)
fi
mkdir -p "${OUT}"

# shellcheck source=../processes.sh
source "${HERE}/../processes.sh"

run="hop$((RANDOM % 9000 + 1000))"
backend_port="$(free_port)"
balanced_port="$(free_port)"
direct_port="$(free_port)"
backend="$(start backend "${backend_port}" "${JAR}" --spring.application.name="${run}-backend")"
PIDS+=("${backend}")
balanced="$(start balanced "${balanced_port}" "${JAR}" --spring.application.name="${run}-balanced" \
	--sample.peer-service="${run}-backend" "${CALLER_ARGS[@]}")"
PIDS+=("${balanced}")
direct="$(start direct "${direct_port}" "${JAR}" --spring.application.name="${run}-direct" \
	--sample.peer-url="http://127.0.0.1:${backend_port}" "${CALLER_ARGS[@]}")"
PIDS+=("${direct}")
BALANCED_URL="http://127.0.0.1:${balanced_port}/peer/instance"
DIRECT_URL="http://127.0.0.1:${direct_port}/peer/instance"
log "waiting for the backend (${backend_port}) and the callers (${balanced_port}, ${direct_port})"
answers "http://127.0.0.1:${backend_port}/instance"
answers "${DIRECT_URL}"
answers "${BALANCED_URL}"

log "warm-up: ${WARM} s on each caller"
wrk -t2 -c"${CONNECTIONS}" -d"${WARM}s" "${BALANCED_URL}" >"${OUT}/warm-balanced.txt"
wrk -t2 -c"${CONNECTIONS}" -d"${WARM}s" "${DIRECT_URL}" >"${OUT}/warm-direct.txt"

# measure NAME URL PID : one wrk round; prints "req/s p50 p99 cpu-ms-per-request"
measure() {
	local name="$1" url="$2" pid="$3" before after file requests
	file="${OUT}/${name}-$(date +%s%N).txt"
	before="$(cpu_ticks "${pid}")"
	wrk -t2 -c"${CONNECTIONS}" -d"${DURATION}s" --latency "${url}" >"${file}"
	after="$(cpu_ticks "${pid}")"
	requests="$(awk '/requests in/ { print $1 }' "${file}")"
	awk -v ticks=$((after - before)) -v hz="${TICKS}" -v requests="${requests}" '
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = $2 }
		$1 == "99%" { p99 = $2 }
		END { printf "%s %s %s %.3f\n", rps, p50, p99, ticks * 1000 / hz / requests }' "${file}"
}

summary="${OUT}/summary.md"
{
	echo "| round | balanced req/s | direct req/s | balanced ÷ direct | balanced p50 / p99 | direct p50 / p99 | balanced caller CPU ms/req | direct caller CPU ms/req |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} >"${summary}"
ratios=()
for round in $(seq 1 "${ROUNDS}"); do
	log "round ${round} of ${ROUNDS}"
	read -r b_rps b_p50 b_p99 b_cpu < <(measure balanced "${BALANCED_URL}" "${balanced}")
	read -r d_rps d_p50 d_p99 d_cpu < <(measure direct "${DIRECT_URL}" "${direct}")
	ratio="$(awk -v b="${b_rps}" -v d="${d_rps}" 'BEGIN { printf "%.2f", b / d }')"
	ratios+=("${ratio}")
	echo "| ${round} | ${b_rps} | ${d_rps} | ${ratio} | ${b_p50} / ${b_p99} | ${d_p50} / ${d_p99} | ${b_cpu} | ${d_cpu} |" >>"${summary}"
done
median="$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
{
	echo
	echo "Median balanced ÷ direct: **${median}** (${ROUNDS} rounds of ${DURATION} s, ${CONNECTIONS} connections, after ${WARM} s of warm-up on each caller; caller arguments: ${CALLER_ARGS[*]:-none})"
} >>"${summary}"
cat "${summary}"
log "done: ${OUT}"
