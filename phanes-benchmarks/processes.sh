# Shared by the load benchmarks (hop/run.sh, gateway/run.sh), sourced after OUT is set:
# JVMs started on loopback, stopped when the script exits, and the helpers to wait for them
# and read their CPU time.
# Multicast safety: every JVM binds mDNS to 127.0.0.1; all traffic stays on loopback.

PIDS=()
cleanup() {
	for pid in "${PIDS[@]}"; do kill "${pid}" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

log() { echo "[$(date +%T)] $*" >&2; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start NAME PORT JAR ARGS... : an application on loopback; prints its pid
start() {
	local name="$1" port="$2" jar="$3"
	shift 3
	java -Xmx256m -XX:+UseSerialGC -Dphanes.discovery.mdns.address=127.0.0.1 -jar "${jar}" \
		--phanes.discovery.mdns.address=127.0.0.1 --server.address=127.0.0.1 --server.port="${port}" \
		--spring.main.banner-mode=off "$@" >"${OUT}/${name}.log" 2>&1 &
	echo $!
}

# answers URL : waits until URL answers 200, at most 120 s
answers() {
	local deadline=$((SECONDS + 120))
	until curl -fs -o /dev/null "$1"; do
		((SECONDS < deadline)) || { echo "no answer from $1; see ${OUT}" >&2; exit 1; }
		sleep 0.2
	done
}

# cpu_ticks PID : the user and system CPU time of a process so far, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
