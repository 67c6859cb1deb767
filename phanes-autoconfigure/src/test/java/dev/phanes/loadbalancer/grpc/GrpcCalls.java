package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.StringValue;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls of the {@link Echo} service and the checks the discovery tests share, whatever
 * the discovery engine.
 */
final class GrpcCalls {

	static final Metadata.Key<String> KEY = Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER);

	private GrpcCalls() {
	}

	static Channel keyed(Channel channel, String key) {
		Metadata headers = new Metadata();
		headers.put(KEY, key);
		return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
	}

	/**
	 * Call {@code Who}; {@code null} when the call failed.
	 */
	static String who(Channel channel, String key) {
		try {
			return ClientCalls
				.blockingUnaryCall((key != null) ? keyed(channel, key) : channel, Echo.WHO, CallOptions.DEFAULT,
						StringValue.of(""))
				.getValue();
		}
		catch (StatusRuntimeException ex) {
			return null;
		}
	}

	/**
	 * A key whose calls reach an instance.
	 */
	static String keyOf(Channel channel, String instance) {
		for (int i = 0; i < 1_000; i++) {
			if (instance.equals(who(channel, "key-" + i))) {
				return "key-" + i;
			}
		}
		throw new AssertionError("No key of 1,000 reaches " + instance);
	}

	/**
	 * 3,000 calls without a key are spread evenly over the instances.
	 */
	static void assertSpreadEvenly(Channel channel, List<String> instances) {
		Map<String, Integer> answers = new HashMap<>();
		int calls = 3_000;
		for (int i = 0; i < calls; i++) {
			answers.merge(String.valueOf(who(channel, null)), 1, Integer::sum);
		}
		assertThat(answers).containsOnlyKeys(instances);
		double expected = (double) calls / instances.size();
		double chiSquare = answers.values()
			.stream()
			.mapToDouble((count) -> (count - expected) * (count - expected) / expected)
			.sum();
		// Two degrees of freedom (3 instances): 27.6 is exceeded by chance once in a
		// million runs.
		assertThat(chiSquare).as("chi-square of %s", answers).isLessThan(27.6);
	}

	/**
	 * 30 keys each reach one instance four times in a row, the same one as an HTTP call
	 * with the key in {@code X-User-Id} through a {@code @LoadBalanced} WebClient.
	 */
	static void assertKeysStickAndMatchHttp(Channel channel, WebClient http, String serviceId) {
		Set<String> used = new HashSet<>();
		for (int i = 0; i < 30; i++) {
			String key = "user-" + i;
			String first = who(channel, key);
			for (int j = 0; j < 3; j++) {
				assertThat(who(channel, key)).isEqualTo(first);
			}
			String overHttp = http.get()
				.uri("http://" + serviceId + "/who")
				.header("X-User-Id", key)
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10));
			assertThat(overHttp).as("key %s", key).isEqualTo(first);
			used.add(first);
		}
		assertThat(used).as("30 keys over the instances").hasSizeGreaterThan(1);
	}

}
