package dev.phanes.collector;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.phanes.collector.TraceCollector.SpanNode;
import dev.phanes.collector.TraceCollector.TraceSummary;
import dev.phanes.collector.TraceCollector.TraceTree;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trace collector as the exporter of a real OpenTelemetry SDK.
 */
class TraceCollectorTests {

	private SdkTracerProvider provider;

	@AfterEach
	void close() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	private Tracer tracer(TraceCollector collector) {
		this.provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collector)).build();
		return this.provider.get("test");
	}

	@Test
	void showsATraceAsATreeWithDurations() {
		TraceCollector collector = new TraceCollector(100, 1_000_000);
		Tracer tracer = tracer(collector);
		long start = 1_000_000_000L;
		Span root = tracer.spanBuilder("http post /notes").setStartTimestamp(start, TimeUnit.NANOSECONDS).startSpan();
		Context withRoot = Context.current().with(root);
		Span write = tracer.spanBuilder("store write")
			.setParent(withRoot)
			.setStartTimestamp(start + 1_000_000, TimeUnit.NANOSECONDS)
			.setAttribute("backend", "memory")
			.startSpan();
		write.end(start + 3_500_000, TimeUnit.NANOSECONDS);
		Span call = tracer.spanBuilder("http get")
			.setParent(withRoot)
			.setStartTimestamp(start + 4_000_000, TimeUnit.NANOSECONDS)
			.startSpan();
		Span choice = tracer.spanBuilder("loadbalancer choice")
			.setParent(Context.current().with(call))
			.setStartTimestamp(start + 4_100_000, TimeUnit.NANOSECONDS)
			.startSpan();
		choice.end(start + 4_200_000, TimeUnit.NANOSECONDS);
		call.setStatus(StatusCode.ERROR);
		call.end(start + 9_000_000, TimeUnit.NANOSECONDS);
		root.end(start + 10_000_000, TimeUnit.NANOSECONDS);
		String traceId = root.getSpanContext().getTraceId();

		TraceTree tree = collector.trace(traceId);
		assertThat(tree).isNotNull();
		assertThat(tree.durationMillis()).isEqualTo(10.0);
		assertThat(tree.roots()).singleElement().satisfies((node) -> {
			assertThat(node.name()).isEqualTo("http post /notes");
			assertThat(node.children()).extracting(SpanNode::name).containsExactly("store write", "http get");
			SpanNode storeWrite = node.children().get(0);
			assertThat(storeWrite.offsetMillis()).isEqualTo(1.0);
			assertThat(storeWrite.durationMillis()).isEqualTo(2.5);
			assertThat(storeWrite.attributes()).containsEntry("backend", "memory");
			SpanNode httpGet = node.children().get(1);
			assertThat(httpGet.error()).isTrue();
			assertThat(httpGet.children()).extracting(SpanNode::name).containsExactly("loadbalancer choice");
			assertThat(httpGet.children().get(0).durationMillis()).isEqualTo(0.1);
		});
		assertThat(collector.traces(10)).singleElement().satisfies((summary) -> {
			assertThat(summary.traceId()).isEqualTo(traceId);
			assertThat(summary.name()).isEqualTo("http post /notes");
			assertThat(summary.spans()).isEqualTo(4);
			assertThat(summary.errors()).isOne();
			assertThat(summary.durationMillis()).isEqualTo(10.0);
		});
	}

	@Test
	void listsTheTraceThatReceivedASpanLastFirst() {
		TraceCollector collector = new TraceCollector(100, 1_000_000);
		Tracer tracer = tracer(collector);
		String first = trace(tracer, "first", 1);
		String second = trace(tracer, "second", 1);
		assertThat(collector.traces(10)).extracting(TraceSummary::traceId).containsExactly(second, first);
		assertThat(collector.traces(1)).extracting(TraceSummary::traceId).containsExactly(second);
	}

	@Test
	void evictsWholeTracesOldestFirstToStayWithinItsSpanCount() {
		TraceCollector collector = new TraceCollector(10, 1_000_000);
		Tracer tracer = tracer(collector);
		List<String> traces = List.of(trace(tracer, "a", 4), trace(tracer, "b", 4), trace(tracer, "c", 4));
		assertThat(collector.spanCount()).isEqualTo(8);
		assertThat(collector.dropped()).isEqualTo(4);
		assertThat(collector.trace(traces.get(0))).isNull();
		assertThat(collector.trace(traces.get(1)).spans()).hasSize(4);
		assertThat(collector.trace(traces.get(2)).spans()).hasSize(4);
	}

	@Test
	void evictsWholeTracesOldestFirstToStayWithinItsBytes() {
		TraceCollector collector = new TraceCollector(1000, 20_000);
		Tracer tracer = tracer(collector);
		for (int i = 0; i < 100; i++) {
			trace(tracer, "trace " + i, 3);
		}
		assertThat(collector.bytes()).isLessThanOrEqualTo(20_000).isPositive();
		assertThat(collector.traces(1000)).isNotEmpty()
			.allSatisfy((summary) -> assertThat(summary.spans()).isEqualTo(3));
		assertThat(collector.traces(1)).extracting(TraceSummary::name).containsExactly("trace 99");
	}

	@Test
	void showsASpanWhoseParentIsNotKeptAsARoot() {
		TraceCollector collector = new TraceCollector(100, 1_000_000);
		Tracer tracer = tracer(collector);
		Span remoteParent = tracer.spanBuilder("in another service").startSpan();
		Span child = tracer.spanBuilder("here").setParent(Context.current().with(remoteParent)).startSpan();
		child.end();
		// the parent never ends here, so it is never exported
		TraceTree tree = collector.trace(child.getSpanContext().getTraceId());
		assertThat(tree.roots()).extracting(SpanNode::name).containsExactly("here");
		assertThat(tree.roots().get(0).parentSpanId()).isEqualTo(remoteParent.getSpanContext().getSpanId());
	}

	private static String trace(Tracer tracer, String name, int spans) {
		Span root = tracer.spanBuilder(name).startSpan();
		try (Scope scope = root.makeCurrent()) {
			for (int i = 1; i < spans; i++) {
				tracer.spanBuilder(name + " child " + i).startSpan().end();
			}
		}
		root.end();
		return root.getSpanContext().getTraceId();
	}

}
