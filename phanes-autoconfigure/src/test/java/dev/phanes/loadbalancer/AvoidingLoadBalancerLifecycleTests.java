package dev.phanes.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.phanes.test.MutableClock;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;

import static dev.phanes.loadbalancer.RandomHashedLoadBalancerTests.instances;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AvoidingLoadBalancerLifecycle} sets an instance aside when a request to it fails
 * or answers a configured failure status, and counts it.
 */
class AvoidingLoadBalancerLifecycleTests {

	private final MutableClock clock = new MutableClock();

	private final AvoidedInstances avoided = new AvoidedInstances(Duration.ofSeconds(30), this.clock);

	@Test
	void failedRequestsAndFailureStatusesSetTheInstanceAside() {
		AvoidingLoadBalancerLifecycle lifecycle = new AvoidingLoadBalancerLifecycle("svc", this.avoided,
				Set.of(502, 503, 504), LoadBalancerMetrics.NONE);
		List<ServiceInstance> instances = instances(4);
		Response<ServiceInstance> first = new DefaultResponse(instances.get(0));
		Response<ServiceInstance> second = new DefaultResponse(instances.get(1));
		Response<ServiceInstance> third = new DefaultResponse(instances.get(2));
		Response<ServiceInstance> fourth = new DefaultResponse(instances.get(3));
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
				new IllegalStateException("connection refused"), new DefaultRequest<>(), first));
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, new DefaultRequest<>(), second,
				response(HttpStatus.SERVICE_UNAVAILABLE)));
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, new DefaultRequest<>(), third,
				response(HttpStatus.INTERNAL_SERVER_ERROR)));
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, new DefaultRequest<>(), fourth,
				response(HttpStatus.OK)));
		lifecycle.onComplete(
				new CompletionContext<>(CompletionContext.Status.DISCARD, new DefaultRequest<>(), new EmptyResponse()));
		assertThat(this.avoided.isAvoided(instances.get(0))).isTrue();
		assertThat(this.avoided.isAvoided(instances.get(1))).isTrue();
		assertThat(this.avoided.isAvoided(instances.get(2))).as("500 is not a configured failure").isFalse();
		assertThat(this.avoided.isAvoided(instances.get(3))).isFalse();
		assertThat(this.avoided.size()).isEqualTo(2);
	}

	@Test
	void countsAvoidedInstancesInMicrometer() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerLoadBalancerMetrics metrics = new MicrometerLoadBalancerMetrics(
				new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
		metrics.watch("svc", this.avoided);
		List<ServiceInstance> instances = instances(2);
		AvoidingLoadBalancerLifecycle lifecycle = new AvoidingLoadBalancerLifecycle("svc", this.avoided, Set.of(503),
				metrics);
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED, new IllegalStateException("down"),
				new DefaultRequest<>(), new DefaultResponse(instances.get(0))));
		assertThat(registry.get("phanes.loadbalancer.avoided").tag("service", "svc").counter().count()).isEqualTo(1);
		assertThat(registry.get("phanes.loadbalancer.avoided.instances").tag("service", "svc").gauge().value())
			.isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(registry.get("phanes.loadbalancer.avoided.instances").gauge().value()).isZero();
	}

	@Test
	void setsNothingAsideWhenAvoidanceIsOff() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerLoadBalancerMetrics metrics = new MicrometerLoadBalancerMetrics(
				new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
		AvoidedInstances never = new AvoidedInstances(Duration.ZERO, this.clock);
		new AvoidingLoadBalancerLifecycle("svc", never, Set.of(503), metrics)
			.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED, new IllegalStateException("down"),
					new DefaultRequest<>(), new DefaultResponse(instances(1).get(0))));
		assertThat(never.isEmpty()).isTrue();
		assertThat(registry.find("phanes.loadbalancer.avoided").counter()).isNull();
	}

	private static ResponseData response(HttpStatus status) {
		return new ResponseData(status, new HttpHeaders(), new LinkedMultiValueMap<>(), null);
	}

}
