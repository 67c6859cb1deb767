package dev.phanes.e2e;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;

/**
 * Counts the attempts the gateway makes to reach a backend. It runs after the route's
 * filters (so behind the Retry filter, which runs the rest of the chain again for each
 * retry) and before the request URL and the instance are chosen: each pass is one
 * attempt, and a pass that finds the Retry filter's iteration attribute already set is a
 * retry. Failed attempts are counted by cause: the exception (with its cause, if any) or
 * the 5xx status. Thread-safe.
 */
final class GatewayAttempts implements GlobalFilter, Ordered {

	private final LongAdder attempts = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		this.attempts.increment();
		if (exchange.getAttributes().containsKey(RetryGatewayFilterFactory.RETRY_ITERATION_KEY)) {
			this.retries.increment();
		}
		return chain.filter(exchange).doOnSuccess((done) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			if (status != null && status.is5xxServerError()) {
				count("HTTP " + status.value());
			}
		}).doOnError((ex) -> count(cause(ex)));
	}

	private void count(String cause) {
		this.failures.computeIfAbsent(cause, (key) -> new LongAdder()).increment();
	}

	private static String cause(Throwable ex) {
		Throwable cause = ex.getCause();
		return ex.getClass().getSimpleName() + ((cause != null) ? " (" + cause.getClass().getSimpleName() + ")" : "");
	}

	@Override
	public int getOrder() {
		return RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER - 1;
	}

	/**
	 * Return the counts so far.
	 * @return the counts
	 */
	Counts counts() {
		Map<String, Long> failed = new TreeMap<>();
		this.failures.forEach((cause, count) -> failed.put(cause, count.sum()));
		return new Counts(this.attempts.sum(), this.retries.sum(), failed);
	}

	/**
	 * Attempts the gateway made.
	 *
	 * @param attempts every attempt, first ones and retries
	 * @param retries the attempts that were retries
	 * @param failures failed attempts by cause
	 */
	record Counts(long attempts, long retries, Map<String, Long> failures) {

		/**
		 * Return the counts since an earlier snapshot.
		 * @param before the earlier snapshot
		 * @return the difference
		 */
		Counts since(Counts before) {
			Map<String, Long> failed = new TreeMap<>(this.failures);
			before.failures.forEach((cause, count) -> failed.merge(cause, -count, Long::sum));
			failed.values().removeIf((count) -> count == 0);
			return new Counts(this.attempts - before.attempts, this.retries - before.retries, failed);
		}

	}

}
