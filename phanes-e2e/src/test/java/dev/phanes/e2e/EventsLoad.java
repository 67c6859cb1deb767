package dev.phanes.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a bounded number of notes with {@code POST /notes}, one at a time from one
 * thread at a steady pace, and counts every outcome: accepted (a 2xx carrying the new
 * note's id), failed (another status, or a broken connection) and stalled (no answer
 * within the request timeout). The test holds the notes back in stages with
 * {@link #release(int)}, so that some are sure to be sent in each phase of a scenario
 * however long the phase before it took. The note titles are {@code load <n>}, so the ids
 * start with {@value #ID_PREFIX}. Thread-safe.
 */
final class EventsLoad {

	/**
	 * How the id of every note it creates starts.
	 */
	static final String ID_PREFIX = "load-";

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	private final HttpClient http;

	private final URI notes;

	private final int total;

	private final Duration interval;

	private final Duration requestTimeout;

	private final long deadline;

	private final List<String> accepted = new ArrayList<>();

	private final Map<String, Long> failures = new TreeMap<>();

	private final Thread sender;

	private int released;

	private int sent;

	private long stalled;

	private long start;

	private long end;

	/**
	 * Prepare a load; nothing is sent until {@link #start()} and {@link #release(int)}.
	 * @param http the client to send with
	 * @param notes the {@code /notes} address of the instance to create them on
	 * @param total how many notes to create in all
	 * @param interval the pace: one note this often (slower while answers are slower)
	 * @param requestTimeout how long one request may wait for its answer before it counts
	 * as stalled
	 * @param maxDuration how long the load may run at most, however it was held back
	 */
	EventsLoad(HttpClient http, URI notes, int total, Duration interval, Duration requestTimeout,
			Duration maxDuration) {
		this.http = http;
		this.notes = notes;
		this.total = total;
		this.interval = interval;
		this.requestTimeout = requestTimeout;
		this.deadline = System.nanoTime() + maxDuration.toNanos();
		this.sender = new Thread(this::send, "phanes-e2e-events-load");
		this.sender.setDaemon(true);
	}

	/**
	 * Start sending the notes released so far, and later ones as they are released.
	 */
	void start() {
		synchronized (this) {
			this.start = System.nanoTime();
		}
		this.sender.start();
	}

	/**
	 * Let the load send notes up to a count.
	 * @param upTo how many notes in all it may have sent, at most the total
	 */
	synchronized void release(int upTo) {
		this.released = Math.max(this.released, Math.min(upTo, this.total));
		notifyAll();
	}

	/**
	 * Return how many notes had an outcome so far.
	 * @return the count
	 */
	synchronized int sent() {
		return this.sent;
	}

	private void send() {
		long next = System.nanoTime();
		for (int index = 0; index < this.total; index++) {
			if (!awaitReleased(index)) {
				return;
			}
			long now = System.nanoTime();
			// a steady pace: no burst to catch up after a slow answer or a hold-back
			next = Math.max(next, now - this.interval.toNanos());
			if (next > now) {
				try {
					TimeUnit.NANOSECONDS.sleep(next - now);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			next += this.interval.toNanos();
			post(index);
		}
	}

	private synchronized boolean awaitReleased(int index) {
		while (index >= this.released) {
			long left = this.deadline - System.nanoTime();
			if (left <= 0 || Thread.currentThread().isInterrupted()) {
				return false;
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return System.nanoTime() - this.deadline < 0;
	}

	private void post(int index) {
		HttpRequest request = HttpRequest.newBuilder(this.notes)
			.timeout(this.requestTimeout)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"load " + index + "\",\"body\":\"note " + index
					+ " of " + this.total + ", sent through restarts\"}"))
			.build();
		String outcome;
		String id = null;
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			Matcher matcher = ID.matcher(response.body());
			if (response.statusCode() / 100 == 2 && matcher.find()) {
				id = matcher.group(1);
				outcome = null;
			}
			else {
				outcome = "HTTP " + response.statusCode();
			}
		}
		catch (HttpTimeoutException ex) {
			outcome = "stalled";
		}
		catch (IOException ex) {
			outcome = ex.getClass().getSimpleName();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			outcome = "interrupted";
		}
		synchronized (this) {
			if (id != null) {
				this.accepted.add(id);
			}
			else if (outcome.equals("stalled")) {
				this.stalled++;
			}
			else {
				this.failures.merge(outcome, 1L, Long::sum);
			}
			this.sent++;
			this.end = System.nanoTime();
		}
	}

	/**
	 * Release every note and wait until the load has sent them all, or its time is up;
	 * then it is stopped.
	 * @return what came of the notes
	 */
	Result await() {
		release(this.total);
		long left = this.deadline - System.nanoTime() + this.requestTimeout.toNanos();
		try {
			this.sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.sender.interrupt();
		synchronized (this) {
			return new Result(this.total, this.sent, List.copyOf(this.accepted), Map.copyOf(this.failures),
					this.stalled, Duration.ofNanos(Math.max(0, this.end - this.start)));
		}
	}

	/**
	 * What came of a load.
	 *
	 * @param requested how many notes it was to create
	 * @param sent how many requests had an outcome
	 * @param accepted the ids of the notes created, in the order they were answered
	 * @param failures failed requests by status or exception
	 * @param stalled requests without an answer within the request timeout
	 * @param elapsed from the start to the last answer
	 */
	record Result(int requested, int sent, List<String> accepted, Map<String, Long> failures, long stalled,
			Duration elapsed) {

		/**
		 * Return a one-line summary for figures.
		 * @return the summary
		 */
		String summary() {
			return String.format("%d sent, %d accepted (2xx), %d failed %s, %d stalled, over %.1f s", this.sent,
					this.accepted.size(), this.failures.values().stream().mapToLong(Long::longValue).sum(),
					this.failures, this.stalled, this.elapsed.toMillis() / 1e3);
		}

	}

}
