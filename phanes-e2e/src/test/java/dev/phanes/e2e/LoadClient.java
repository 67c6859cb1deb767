package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;

/**
 * Sends a bounded number of requests, at a fixed concurrency and for a bounded time, and
 * counts every outcome: answered (by which instance, per the {@code instanceId} in the
 * body), failed (an error status or a broken connection) and stalled (no answer within
 * the per-request timeout). Each worker is a thread that sends one request at a time, so
 * the concurrency is exact. Thread-safe.
 */
final class LoadClient {

	private final HttpClient http;

	private final Duration requestTimeout;

	/**
	 * Create a load client.
	 * @param http the client to send with
	 * @param requestTimeout how long a request may wait for its answer before it counts
	 * as stalled
	 */
	LoadClient(HttpClient http, Duration requestTimeout) {
		this.http = http;
		this.requestTimeout = requestTimeout;
	}

	/**
	 * Start sending requests; they go out until all are sent or the time is up.
	 * @param label what the run is, for figures
	 * @param uri where to send them
	 * @param headers headers of every request
	 * @param requests how many requests at most
	 * @param concurrency how many at a time
	 * @param maxDuration how long to send at most
	 * @return the running load
	 */
	Run start(String label, URI uri, Map<String, String> headers, int requests, int concurrency, Duration maxDuration) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(this.requestTimeout).GET();
		headers.forEach(builder::header);
		return new Run(label, builder.build(), requests, concurrency, maxDuration);
	}

	/**
	 * Send requests and wait for all of them.
	 * @param label what the run is, for figures
	 * @param uri where to send them
	 * @param headers headers of every request
	 * @param requests how many requests at most
	 * @param concurrency how many at a time
	 * @param maxDuration how long to send at most
	 * @return what came of them
	 */
	Result run(String label, URI uri, Map<String, String> headers, int requests, int concurrency,
			Duration maxDuration) {
		return start(label, uri, headers, requests, concurrency, maxDuration).await();
	}

	/**
	 * A load being sent.
	 */
	final class Run {

		private final String label;

		private final HttpRequest request;

		private final int requests;

		private final long deadline;

		private final Duration maxDuration;

		private final long start = System.nanoTime();

		private final AtomicInteger issued = new AtomicInteger();

		private final LongAdder completed = new LongAdder();

		private final LongAdder stalled = new LongAdder();

		private final long[] latencies;

		private final Map<String, LongAdder> answeredBy = new ConcurrentHashMap<>();

		private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

		private final List<Thread> workers = new ArrayList<>();

		private volatile long end;

		Run(String label, HttpRequest request, int requests, int concurrency, Duration maxDuration) {
			this.label = label;
			this.request = request;
			this.requests = requests;
			this.maxDuration = maxDuration;
			this.deadline = this.start + maxDuration.toNanos();
			this.latencies = new long[requests];
			Arrays.fill(this.latencies, -1);
			for (int i = 0; i < concurrency; i++) {
				Thread worker = new Thread(this::work, "phanes-e2e-load-" + i);
				worker.setDaemon(true);
				this.workers.add(worker);
				worker.start();
			}
		}

		private void work() {
			while (!Thread.currentThread().isInterrupted()) {
				int index = this.issued.getAndIncrement();
				if (index >= this.requests || System.nanoTime() - this.deadline > 0) {
					this.issued.decrementAndGet();
					return;
				}
				long sent = System.nanoTime();
				try {
					HttpResponse<String> response = LoadClient.this.http.send(this.request,
							HttpResponse.BodyHandlers.ofString());
					long latency = System.nanoTime() - sent;
					this.latencies[index] = latency;
					Matcher matcher = SampleProcess.INSTANCE_ID.matcher(response.body());
					if (response.statusCode() / 100 == 2 && matcher.find()) {
						count(this.answeredBy, matcher.group(1));
					}
					else {
						count(this.failures, "HTTP " + response.statusCode());
					}
				}
				catch (HttpTimeoutException ex) {
					this.stalled.increment();
				}
				catch (IOException ex) {
					this.latencies[index] = System.nanoTime() - sent;
					count(this.failures, ex.getClass().getSimpleName());
				}
				catch (InterruptedException ex) {
					count(this.failures, "interrupted");
					Thread.currentThread().interrupt();
				}
				this.completed.increment();
			}
		}

		private static void count(Map<String, LongAdder> counts, String key) {
			counts.computeIfAbsent(key, (k) -> new LongAdder()).increment();
		}

		/**
		 * Return how many requests have had an outcome so far.
		 * @return the count
		 */
		long completed() {
			return this.completed.sum();
		}

		/**
		 * Wait until every request sent has an outcome: at most the run's time, plus one
		 * request timeout, plus a margin; workers still busy then are interrupted.
		 * @return what came of the requests
		 */
		Result await() {
			long limit = this.deadline + LoadClient.this.requestTimeout.toNanos() + Duration.ofSeconds(10).toNanos();
			for (Thread worker : this.workers) {
				try {
					worker.join(Math.max(1, (limit - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			this.workers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
			this.end = System.nanoTime();
			long[] answered = Arrays.stream(this.latencies).filter((latency) -> latency >= 0).sorted().toArray();
			Map<String, Long> by = new TreeMap<>();
			this.answeredBy.forEach((instance, count) -> by.put(instance, count.sum()));
			Map<String, Long> failed = new TreeMap<>();
			this.failures.forEach((reason, count) -> failed.put(reason, count.sum()));
			return new Result(this.label, this.requests, this.issued.get(), this.completed.sum(), by, failed,
					this.stalled.sum(), percentile(answered, 0.50), percentile(answered, 0.99),
					Duration.ofNanos(this.end - this.start), this.maxDuration);
		}

		private static Duration percentile(long[] sorted, double fraction) {
			if (sorted.length == 0) {
				return Duration.ZERO;
			}
			int index = (int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
			return Duration.ofNanos(sorted[Math.max(0, index)]);
		}

	}

	/**
	 * What came of a load run.
	 *
	 * @param label what the run was
	 * @param requested how many requests it was to send
	 * @param sent how many it sent before its count or time ran out
	 * @param completed how many had an outcome (answered, failed or stalled)
	 * @param answeredBy answered requests by the instance that answered
	 * @param failures failed requests by status or exception
	 * @param stalled requests without an answer within the request timeout
	 * @param p50 median latency of requests that had an answer or an error
	 * @param p99 99th percentile of the same
	 * @param elapsed how long the run took
	 * @param maxDuration how long it was allowed to send
	 */
	record Result(String label, int requested, int sent, long completed, Map<String, Long> answeredBy,
			Map<String, Long> failures, long stalled, Duration p50, Duration p99, Duration elapsed,
			Duration maxDuration) {

		/**
		 * Return how many requests were answered with a 2xx status.
		 * @return the count
		 */
		long answered() {
			return this.answeredBy.values().stream().mapToLong(Long::longValue).sum();
		}

		/**
		 * Return how many requests failed.
		 * @return the count
		 */
		long failed() {
			return this.failures.values().stream().mapToLong(Long::longValue).sum();
		}

		/**
		 * Return completed requests per second.
		 * @return the throughput
		 */
		double throughput() {
			return this.completed / (this.elapsed.toNanos() / 1e9);
		}

		/**
		 * Return a one-line summary for figures.
		 * @return the summary
		 */
		String summary() {
			return String.format(
					"%d sent, %d answered, %d failed %s, %d stalled; p50 %.2f ms, p99 %.2f ms, "
							+ "%.0f req/s over %.1f s",
					this.sent, answered(), failed(), this.failures, this.stalled, this.p50.toNanos() / 1e6,
					this.p99.toNanos() / 1e6, throughput(), this.elapsed.toMillis() / 1e3);
		}

	}

}
