package dev.phanes.benchmarks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.phanes.loadbalancer.EjectingServiceInstanceListSupplier;
import dev.phanes.loadbalancer.OutlierEjection;
import dev.phanes.loadbalancer.HashKeyResolver;
import dev.phanes.loadbalancer.LoadBalancerMetrics;
import dev.phanes.loadbalancer.RandomHashedLoadBalancer;
import dev.phanes.loadbalancer.RequestDataHashKeyResolver;
import dev.phanes.loadbalancer.ThreadLocalRandomGenerator;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;

/**
 * Cost of one choice of {@link RandomHashedLoadBalancer}, without and with a hash key,
 * beside Spring Cloud's {@link RoundRobinLoadBalancer} and {@link RandomLoadBalancer} on
 * the same instances, through the same entry point.
 * <p>
 * Each balancer gets the same instance-list supplier, a bean of a bean factory whose
 * {@code ServiceInstanceListSupplier} returns one {@code Flux.just(list)} built in the
 * setup, as a client's context hands it out after its cache; the Phanes balancers get it
 * inside the {@link EjectingServiceInstanceListSupplier} that Phanes puts around every
 * client's supplier, so their figures include the ejection check. Every benchmark takes
 * the next of {@value #REQUESTS} requests built in the setup, each with its own
 * {@value #KEY_HEADER} header, calls {@code choose(Request)} and subscribes to the
 * {@code Mono} with one reused subscriber that completes synchronously (no
 * {@code block()}, whose latch would be counted too). Only the Phanes balancers look at
 * the header: the keyed one is configured with it
 * ({@code phanes.loadbalancer.hash.header=X-User-Id}) and hashes it, the keyless one has
 * no key source configured (the default) and chooses at random from each thread's
 * {@link ThreadLocalRandom}, as in production. No instance has failed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LoadBalancerBenchmark {

	/**
	 * Header carrying the hash key of a request.
	 */
	static final String KEY_HEADER = "X-User-Id";

	/**
	 * How many requests, each with its own key, are cycled through; a power of two.
	 */
	static final int REQUESTS = 1024;

	private static final String SERVICE_ID = "orders";

	/**
	 * Number of instances of the service.
	 */
	@Param({ "3", "30", "300" })
	public int instances;

	private final Request<?>[] requests = new Request<?>[REQUESTS];

	private final SynchronousSubscriber subscriber = new SynchronousSubscriber();

	private @Nullable ReactorServiceInstanceLoadBalancer phanesKeyless;

	private @Nullable ReactorServiceInstanceLoadBalancer phanesKeyed;

	private @Nullable ReactorServiceInstanceLoadBalancer roundRobin;

	private @Nullable ReactorServiceInstanceLoadBalancer random;

	private int next;

	/**
	 * Build the instances, the requests and the four balancers, and check that each
	 * chooses an instance.
	 */
	@Setup
	public void setUp() {
		List<ServiceInstance> list = new ArrayList<>(this.instances);
		for (int i = 0; i < this.instances; i++) {
			String host = String.format(Locale.ROOT, "10.0.%d.%d", i / 250, 1 + i % 250);
			list.add(new DefaultServiceInstance(host + ":8080", SERVICE_ID, host, 8080, false));
		}
		URI url = URI.create("http://" + SERVICE_ID + "/orders");
		for (int i = 0; i < REQUESTS; i++) {
			HttpHeaders headers = new HttpHeaders();
			headers.add(KEY_HEADER, String.format(Locale.ROOT, "user-%05d", i));
			RequestData data = new RequestData(HttpMethod.GET, url, headers, new LinkedMultiValueMap<>(),
					new HashMap<>());
			this.requests[i] = new DefaultRequest<>(new RequestDataContext(data));
		}
		FixedSupplier fixed = new FixedSupplier(list);
		ObjectProvider<ServiceInstanceListSupplier> suppliers = suppliers(fixed);
		ObjectProvider<ServiceInstanceListSupplier> ejecting = suppliers(
				new EjectingServiceInstanceListSupplier(fixed, new OutlierEjection(SERVICE_ID, 3,
						Duration.ofSeconds(30), Duration.ofMinutes(5), 50, Clock.systemUTC())));
		ReactorServiceInstanceLoadBalancer keyless = phanes(ejecting, new RequestDataHashKeyResolver(null, null, null));
		ReactorServiceInstanceLoadBalancer keyed = phanes(ejecting,
				new RequestDataHashKeyResolver(KEY_HEADER, null, null));
		ReactorServiceInstanceLoadBalancer roundRobin = new RoundRobinLoadBalancer(suppliers, SERVICE_ID);
		ReactorServiceInstanceLoadBalancer random = new RandomLoadBalancer(suppliers, SERVICE_ID);
		for (Request<?> request : this.requests) {
			for (ReactorServiceInstanceLoadBalancer balancer : List.of(keyless, keyed, roundRobin, random)) {
				if (!this.subscriber.take(balancer.choose(request)).hasServer()) {
					throw new IllegalStateException(balancer.getClass().getSimpleName() + " chose no instance");
				}
			}
			ServiceInstance chosen = this.subscriber.take(keyed.choose(request)).getServer();
			if (!chosen.equals(this.subscriber.take(keyed.choose(request)).getServer())) {
				throw new IllegalStateException("The same key chose different instances");
			}
		}
		this.phanesKeyless = keyless;
		this.phanesKeyed = keyed;
		this.roundRobin = roundRobin;
		this.random = random;
	}

	/**
	 * Choose through {@link RandomHashedLoadBalancer} configured with no key source, so
	 * at random.
	 * @return the response
	 */
	@Benchmark
	public Response<ServiceInstance> phanesKeyless() {
		return choose(StoreBenchmark.requireSetUp(this.phanesKeyless));
	}

	/**
	 * Choose through {@link RandomHashedLoadBalancer} by the key of the request.
	 * @return the response
	 */
	@Benchmark
	public Response<ServiceInstance> phanesKeyed() {
		return choose(StoreBenchmark.requireSetUp(this.phanesKeyed));
	}

	/**
	 * Choose through Spring Cloud's {@link RoundRobinLoadBalancer}.
	 * @return the response
	 */
	@Benchmark
	public Response<ServiceInstance> roundRobin() {
		return choose(StoreBenchmark.requireSetUp(this.roundRobin));
	}

	/**
	 * Choose through Spring Cloud's {@link RandomLoadBalancer}.
	 * @return the response
	 */
	@Benchmark
	public Response<ServiceInstance> random() {
		return choose(StoreBenchmark.requireSetUp(this.random));
	}

	private Response<ServiceInstance> choose(ReactorServiceInstanceLoadBalancer balancer) {
		Request<?> request = this.requests[this.next++ & (REQUESTS - 1)];
		return this.subscriber.take(balancer.choose(request));
	}

	private static ReactorServiceInstanceLoadBalancer phanes(ObjectProvider<ServiceInstanceListSupplier> suppliers,
			HashKeyResolver keys) {
		return new RandomHashedLoadBalancer(suppliers, SERVICE_ID, keys, new ThreadLocalRandomGenerator(),
				LoadBalancerMetrics.NONE, ObservationRegistry.NOOP);
	}

	/**
	 * The supplier as a balancer gets it in a client's context: a bean provider that
	 * looks the bean up when asked.
	 */
	private static ObjectProvider<ServiceInstanceListSupplier> suppliers(ServiceInstanceListSupplier supplier) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("serviceInstanceListSupplier", supplier);
		return beanFactory.getBeanProvider(ServiceInstanceListSupplier.class);
	}

	/**
	 * Always the same instances, in one {@link Flux} built once.
	 */
	private static final class FixedSupplier implements ServiceInstanceListSupplier {

		private final Flux<List<ServiceInstance>> instances;

		FixedSupplier(List<ServiceInstance> instances) {
			this.instances = Flux.just(List.copyOf(instances));
		}

		@Override
		public String getServiceId() {
			return SERVICE_ID;
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return this.instances;
		}

	}

	/**
	 * Takes the response of a {@code Mono} that completes on subscription, and is reused
	 * for every choice so that it adds no allocation. Not thread-safe, like the state
	 * holding it.
	 */
	private static final class SynchronousSubscriber implements CoreSubscriber<Response<ServiceInstance>> {

		private @Nullable Response<ServiceInstance> response;

		private @Nullable Throwable error;

		Response<ServiceInstance> take(Mono<Response<ServiceInstance>> mono) {
			this.response = null;
			this.error = null;
			mono.subscribe(this);
			if (this.error != null) {
				throw new IllegalStateException("The choice failed", this.error);
			}
			if (this.response == null) {
				throw new IllegalStateException("The choice did not complete on subscription");
			}
			return this.response;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(Response<ServiceInstance> response) {
			this.response = response;
		}

		@Override
		public void onError(Throwable error) {
			this.error = error;
		}

		@Override
		public void onComplete() {
		}

	}

}
