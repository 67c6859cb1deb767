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
 * {@link OutlierEjectionLifecycle} ejects an instance when requests to it fail or answer
 * a configured failure status, counts it, and lets a success reset the count.
 */
class OutlierEjectionLifecycleTests {

	private final MutableClock clock = new MutableClock();

	private final OutlierEjection ejection = new OutlierEjection("svc", 1, Duration.ofSeconds(30),
			Duration.ofMinutes(5), 100, this.clock);

	@Test
	void failedRequestsAndFailureStatusesSetTheInstanceAside() {
		OutlierEjectionLifecycle lifecycle = new OutlierEjectionLifecycle(this.ejection, Set.of(502, 503, 504),
				LoadBalancerMetrics.NONE);
		List<ServiceInstance> instances = instances(4);
		this.ejection.filter(instances, RendezvousHash::identity);
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
		assertThat(this.ejection.isEjected(id(instances.get(0)))).isTrue();
		assertThat(this.ejection.isEjected(id(instances.get(1)))).isTrue();
		assertThat(this.ejection.isEjected(id(instances.get(2)))).as("500 is not a configured failure here").isFalse();
		assertThat(this.ejection.isEjected(id(instances.get(3)))).isFalse();
		assertThat(this.ejection.ejectedCount()).isEqualTo(2);
	}

	@Test
	void aSuccessBetweenFailuresKeepsTheInstanceIn() {
		OutlierEjection twice = new OutlierEjection("svc", 2, Duration.ofSeconds(30), Duration.ofMinutes(5), 100,
				this.clock);
		OutlierEjectionLifecycle lifecycle = new OutlierEjectionLifecycle(twice, Set.of(503), LoadBalancerMetrics.NONE);
		Response<ServiceInstance> flaky = new DefaultResponse(instances(3).get(0));
		CompletionContext<Object, ServiceInstance, Object> failed = new CompletionContext<>(
				CompletionContext.Status.FAILED, new IllegalStateException("reset"), new DefaultRequest<>(), flaky);
		lifecycle.onComplete(failed);
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, new DefaultRequest<>(), flaky,
				response(HttpStatus.OK)));
		lifecycle.onComplete(failed);
		assertThat(twice.isEjected(id(flaky.getServer()))).as("not two failures in a row").isFalse();
		lifecycle.onComplete(failed);
		assertThat(twice.isEjected(id(flaky.getServer()))).isTrue();
	}

	@Test
	void countsEjectedInstancesInMicrometer() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerLoadBalancerMetrics metrics = new MicrometerLoadBalancerMetrics(
				new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
		metrics.watch(this.ejection);
		List<ServiceInstance> instances = instances(2);
		OutlierEjectionLifecycle lifecycle = new OutlierEjectionLifecycle(this.ejection, Set.of(503), metrics);
		lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED, new IllegalStateException("down"),
				new DefaultRequest<>(), new DefaultResponse(instances.get(0))));
		assertThat(registry.get("phanes.loadbalancer.ejections").tag("service", "svc").counter().count()).isEqualTo(1);
		assertThat(registry.get("phanes.loadbalancer.ejected.instances").tag("service", "svc").gauge().value())
			.isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(registry.get("phanes.loadbalancer.ejected.instances").gauge().value()).isZero();
	}

	@Test
	void ejectsNothingWhenEjectionIsOff() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerLoadBalancerMetrics metrics = new MicrometerLoadBalancerMetrics(
				new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
		OutlierEjection never = new OutlierEjection("svc", 1, Duration.ZERO, Duration.ZERO, 100, this.clock);
		new OutlierEjectionLifecycle(never, Set.of(503), metrics)
			.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED, new IllegalStateException("down"),
					new DefaultRequest<>(), new DefaultResponse(instances(1).get(0))));
		assertThat(never.states()).isEmpty();
		assertThat(registry.find("phanes.loadbalancer.ejections").counter()).isNull();
	}

	private static String id(ServiceInstance instance) {
		return RendezvousHash.identity(instance);
	}

	private static ResponseData response(HttpStatus status) {
		return new ResponseData(status, new HttpHeaders(), new LinkedMultiValueMap<>(), null);
	}

}
