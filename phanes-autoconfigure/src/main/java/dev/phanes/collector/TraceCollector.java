package dev.phanes.collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;

/**
 * The most recent finished spans of the application, grouped by trace, in memory: an
 * OpenTelemetry {@link SpanExporter} beside any real one (OTLP, Zipkin), bounded by a
 * number of spans and by an estimate of the bytes they hold. When full, the trace that
 * received a span longest ago goes whole, so kept traces stay complete. Like go-micro's
 * debug trace buffer, it shows a running service's recent traces without any backend.
 * <p>
 * Thread-safe: exports and reads take a short lock; readers get copies.
 */
public class TraceCollector implements SpanExporter {

	private final int maxSpans;

	private final long maxBytes;

	private final ReentrantLock lock = new ReentrantLock();

	// Access order: a trace that receives a span becomes the most recent.
	private final LinkedHashMap<String, List<SpanEntry>> traces = new LinkedHashMap<>(16, 0.75f, true);

	private int spans;

	private long bytes;

	private long dropped;

	/**
	 * Create a collector.
	 * @param maxSpans the most spans kept, over all traces
	 * @param maxBytes the most bytes (estimated) the kept spans hold
	 */
	public TraceCollector(int maxSpans, long maxBytes) {
		if (maxSpans < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("A trace collector needs room for at least one span; got max-spans="
					+ maxSpans + " and max-size=" + maxBytes + "B");
		}
		this.maxSpans = maxSpans;
		this.maxBytes = maxBytes;
	}

	@Override
	public CompletableResultCode export(Collection<SpanData> finished) {
		this.lock.lock();
		try {
			for (SpanData data : finished) {
				SpanEntry span = SpanEntry.of(data);
				this.traces.computeIfAbsent(span.traceId(), (id) -> new ArrayList<>()).add(span);
				this.spans++;
				this.bytes += span.estimatedSize();
			}
			Iterator<List<SpanEntry>> oldestFirst = this.traces.values().iterator();
			while ((this.spans > this.maxSpans || this.bytes > this.maxBytes) && oldestFirst.hasNext()) {
				List<SpanEntry> evicted = oldestFirst.next();
				oldestFirst.remove();
				this.spans -= evicted.size();
				this.dropped += evicted.size();
				for (SpanEntry span : evicted) {
					this.bytes -= span.estimatedSize();
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode flush() {
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode shutdown() {
		return CompletableResultCode.ofSuccess();
	}

	/**
	 * The kept traces, the one that received a span last first.
	 * @param limit the most traces returned
	 * @return their summaries
	 */
	public List<TraceSummary> traces(int limit) {
		List<List<SpanEntry>> newestLast;
		this.lock.lock();
		try {
			newestLast = new ArrayList<>(this.traces.size());
			// Iterating values() does not count as access.
			for (List<SpanEntry> spans : this.traces.values()) {
				newestLast.add(List.copyOf(spans));
			}
		}
		finally {
			this.lock.unlock();
		}
		List<TraceSummary> summaries = new ArrayList<>(Math.min(limit, newestLast.size()));
		for (int i = newestLast.size() - 1; i >= 0 && summaries.size() < limit; i--) {
			summaries.add(TraceSummary.of(newestLast.get(i)));
		}
		return summaries;
	}

	/**
	 * One kept trace as a tree of spans; a span whose parent is not kept (another
	 * service's, or evicted) is a root.
	 * @param traceId the trace id
	 * @return the trace, or {@code null} if it is not kept
	 */
	public @Nullable TraceTree trace(String traceId) {
		List<SpanEntry> spans;
		this.lock.lock();
		try {
			// get() would count as access and reorder the traces.
			List<SpanEntry> kept = null;
			for (Map.Entry<String, List<SpanEntry>> entry : this.traces.entrySet()) {
				if (entry.getKey().equals(traceId)) {
					kept = entry.getValue();
					break;
				}
			}
			if (kept == null) {
				return null;
			}
			spans = List.copyOf(kept);
		}
		finally {
			this.lock.unlock();
		}
		return TraceTree.of(traceId, spans);
	}

	/**
	 * The number of spans kept.
	 * @return the number of spans
	 */
	public int spanCount() {
		this.lock.lock();
		try {
			return this.spans;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The estimated bytes the kept spans hold.
	 * @return the estimate
	 */
	public long bytes() {
		this.lock.lock();
		try {
			return this.bytes;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The number of spans dropped to stay within the bounds since the start.
	 * @return the number dropped
	 */
	public long dropped() {
		this.lock.lock();
		try {
			return this.dropped;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A finished span as kept.
	 *
	 * @param traceId the trace id
	 * @param spanId the span id
	 * @param parentSpanId the parent's span id, or {@code null} for a root
	 * @param name the span's name
	 * @param kind its kind ({@code SERVER}, {@code CLIENT}, {@code INTERNAL}, ...)
	 * @param startNanos start, in nanoseconds since the epoch
	 * @param endNanos end, in nanoseconds since the epoch
	 * @param error whether it ended in error
	 * @param attributes its attributes, as strings
	 * @param estimatedSize roughly the bytes it holds on the heap, computed once since it
	 * is counted when the span is kept and again when it is evicted
	 */
	record SpanEntry(String traceId, String spanId, @Nullable String parentSpanId, String name, String kind,
			long startNanos, long endNanos, boolean error, Map<String, String> attributes, long estimatedSize) {

		static SpanEntry of(SpanData data) {
			Map<String, String> attributes = new LinkedHashMap<>();
			data.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), String.valueOf(value)));
			String parent = SpanId.isValid(data.getParentSpanId()) ? data.getParentSpanId() : null;
			return new SpanEntry(data.getTraceId(), data.getSpanId(), parent, data.getName(), data.getKind().name(),
					data.getStartEpochNanos(), data.getEndEpochNanos(),
					data.getStatus().getStatusCode() == StatusCode.ERROR, Map.copyOf(attributes),
					estimateSize(data.getName(), attributes));
		}

		private static long estimateSize(String name, Map<String, String> attributes) {
			long size = 200 + 2L * (name.length() + 64);
			for (Map.Entry<String, String> entry : attributes.entrySet()) {
				size += 100 + 2L * (entry.getKey().length() + entry.getValue().length());
			}
			return size;
		}

	}

	/**
	 * A kept trace in a list.
	 *
	 * @param traceId the trace id
	 * @param name the name of its root span (the earliest span kept if no root is)
	 * @param start when it started
	 * @param durationMillis from the earliest start to the latest end of its spans
	 * @param spans the number of spans kept
	 * @param errors the number of spans that ended in error
	 */
	public record TraceSummary(String traceId, String name, Instant start, double durationMillis, int spans,
			int errors) {

		static TraceSummary of(List<SpanEntry> spans) {
			SpanEntry first = spans.stream()
				.min(Comparator.comparing((SpanEntry span) -> span.parentSpanId() != null)
					.thenComparingLong(SpanEntry::startNanos))
				.orElseThrow();
			long start = spans.stream().mapToLong(SpanEntry::startNanos).min().orElseThrow();
			long end = spans.stream().mapToLong(SpanEntry::endNanos).max().orElseThrow();
			int errors = (int) spans.stream().filter(SpanEntry::error).count();
			return new TraceSummary(first.traceId(), first.name(), instant(start), millis(end - start), spans.size(),
					errors);
		}

	}

	/**
	 * A kept trace as a tree.
	 *
	 * @param traceId the trace id
	 * @param start when its earliest span started
	 * @param durationMillis from the earliest start to the latest end of its spans
	 * @param roots its spans without a kept parent, each with its children
	 */
	public record TraceTree(String traceId, Instant start, double durationMillis, List<SpanNode> roots) {

		static TraceTree of(String traceId, List<SpanEntry> spans) {
			long start = spans.stream().mapToLong(SpanEntry::startNanos).min().orElseThrow();
			long end = spans.stream().mapToLong(SpanEntry::endNanos).max().orElseThrow();
			Map<String, List<SpanEntry>> children = new HashMap<>();
			List<SpanEntry> roots = new ArrayList<>();
			Map<String, SpanEntry> byId = new HashMap<>();
			spans.forEach((span) -> byId.put(span.spanId(), span));
			for (SpanEntry span : spans) {
				if (span.parentSpanId() != null && byId.containsKey(span.parentSpanId())) {
					children.computeIfAbsent(span.parentSpanId(), (id) -> new ArrayList<>()).add(span);
				}
				else {
					roots.add(span);
				}
			}
			return new TraceTree(traceId, instant(start), millis(end - start), SpanNode.of(roots, children, start));
		}

		/**
		 * Every span of the tree, depth first.
		 * @return the spans
		 */
		public List<SpanNode> spans() {
			List<SpanNode> all = new ArrayList<>();
			this.roots.forEach((root) -> root.addTo(all));
			return all;
		}

	}

	/**
	 * A span in a trace tree.
	 *
	 * @param spanId the span id
	 * @param parentSpanId the parent's span id, or {@code null} for a root of the whole
	 * trace
	 * @param name the span's name
	 * @param kind its kind
	 * @param offsetMillis when it started, from the start of the trace
	 * @param durationMillis how long it took
	 * @param error whether it ended in error
	 * @param attributes its attributes
	 * @param children the spans it started, by start time
	 */
	public record SpanNode(String spanId, @Nullable String parentSpanId, String name, String kind, double offsetMillis,
			double durationMillis, boolean error, Map<String, String> attributes, List<SpanNode> children) {

		static List<SpanNode> of(List<SpanEntry> spans, Map<String, List<SpanEntry>> children, long traceStart) {
			List<SpanNode> nodes = new ArrayList<>(spans.size());
			spans.stream()
				.sorted(Comparator.comparingLong(SpanEntry::startNanos))
				.forEach((span) -> nodes.add(new SpanNode(span.spanId(), span.parentSpanId(), span.name(), span.kind(),
						millis(span.startNanos() - traceStart), millis(span.endNanos() - span.startNanos()),
						span.error(), span.attributes(),
						of(children.getOrDefault(span.spanId(), List.of()), children, traceStart))));
			return List.copyOf(nodes);
		}

		void addTo(List<SpanNode> all) {
			all.add(this);
			this.children.forEach((child) -> child.addTo(all));
		}

	}

	private static Instant instant(long epochNanos) {
		return Instant.ofEpochSecond(0, epochNanos);
	}

	private static double millis(long nanos) {
		return Math.round(nanos / 1_000.0) / 1_000.0;
	}

}
