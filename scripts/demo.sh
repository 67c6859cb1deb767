#!/usr/bin/env bash
# A local Phanes environment on embedded defaults: three instances of the sample notes
# service and a caller that reaches them by name, all on this machine. It shows what
# discovery sees, drives requests through the load balancer with and without a hash key,
# then stops everything it started (also on Ctrl-C or an error).
#
# Discovery is mDNS bound to loopback (127.0.0.1), so nothing leaves this machine; every
# loop below is bounded. See docs/getting-started.md.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=phanes-sample-app/target/phanes-sample-app-0.1.0-SNAPSHOT.jar
BACKEND_PORTS=(8081 8082 8083)
CALLER_PORT=8080
REQUESTS=${REQUESTS:-300}
LOGS=target/demo
pids=()

stop_all() {
	if [ ${#pids[@]} -gt 0 ]; then
		echo "Stopping ${#pids[@]} processes"
		kill "${pids[@]}" 2>/dev/null || true
		for pid in "${pids[@]}"; do
			for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -9 "$pid" 2>/dev/null || true
		done
	fi
}
trap stop_all EXIT

if [ ! -f "$JAR" ]; then
	echo "Building the sample app (once)"
	./mvnw -B -q -pl phanes-sample-app -am package -DskipTests
fi
for port in "${BACKEND_PORTS[@]}" "$CALLER_PORT"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		echo "Port $port is in use: stop what runs there first" >&2
		exit 1
	fi
done
mkdir -p "$LOGS"

start() {
	local name=$1 port=$2
	shift 2
	java -Xmx256m -jar "$JAR" --server.port="$port" --spring.application.name="$name" \
		--phanes.discovery.mdns.address=127.0.0.1 "$@" >"$LOGS/$name-$port.log" 2>&1 &
	pids+=($!)
	echo "Started $name on port $port (pid $!, log $LOGS/$name-$port.log)"
}

for port in "${BACKEND_PORTS[@]}"; do
	start phanes-sample "$port"
done
start phanes-caller "$CALLER_PORT" --sample.peer-service=phanes-sample

echo "Waiting for every instance to be healthy (at most 120 s)"
for port in "${BACKEND_PORTS[@]}" "$CALLER_PORT"; do
	for i in $(seq 1 240); do
		if curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 ||
			curl -fs "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then
			break
		fi
		[ "$i" -eq 240 ] && { echo "Instance on port $port did not become healthy; see $LOGS" >&2; exit 1; }
		sleep 0.5
	done
done

echo
echo "== What the caller's discovery sees (GET :$CALLER_PORT/discovery)"
for i in $(seq 1 60); do
	seen=$(curl -fs "http://127.0.0.1:$CALLER_PORT/discovery" | grep -o '"instanceId"' | wc -l)
	[ "$seen" -ge 4 ] && break
	sleep 0.5
done
curl -fs "http://127.0.0.1:$CALLER_PORT/discovery"
echo

count() {
	sort | uniq -c | sort -rn | sed 's/^/  /'
}

echo
echo "== $REQUESTS calls without a hash key: the balancer picks at random"
for _ in $(seq 1 "$REQUESTS"); do
	curl -fs "http://127.0.0.1:$CALLER_PORT/peer/instance" | grep -o '"uri":"[^"]*"'
done | count

echo
echo "== 50 calls as alice (X-User-Id: alice): every one reaches the same instance"
for _ in $(seq 1 50); do
	curl -fs -H 'X-User-Id: alice' "http://127.0.0.1:$CALLER_PORT/peer/instance" | grep -o '"uri":"[^"]*"'
done | count

echo
victim=${pids[0]}
echo "== Stopping the backend on port ${BACKEND_PORTS[0]} (SIGTERM: goodbye, then drain) while calls go on"
kill "$victim"
failed=0
for _ in $(seq 1 "$REQUESTS"); do
	curl -fs "http://127.0.0.1:$CALLER_PORT/peer/instance" >/dev/null || failed=$((failed + 1))
done
echo "  $REQUESTS calls during and after the stop, $failed failed"

echo
echo "== The caller's load-balancer meters"
curl -fs "http://127.0.0.1:$CALLER_PORT/actuator/prometheus" | grep -E '^(phanes_loadbalancer|loadbalancer_requests_success_seconds_count)' | sed 's/^/  /' || true
echo
echo "Done; stopping what was started."
