package dev.phanes.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.phanes.discovery.etcd.EtcdView;
import dev.phanes.loadbalancer.PhanesLoadBalancerProperties;
import org.springframework.beans.BeansException;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link Discovery} by Phanes itself: a small non-web Spring Boot context with Phanes'
 * starter, whose discovery client (mDNS bound to the given address, or etcd) and Spring
 * Cloud LoadBalancer with the random-hashed balancer answer the commands. The context
 * registers nothing, and the blocks a command does not need (store, events, config, sync,
 * collectors, gRPC, auth) are off. Properties may also come from a
 * {@code phanes-cli.properties} or {@code phanes-cli.yml} file in the working directory
 * or its {@code config/} folder, and from the environment; the options win.
 */
final class PhanesDiscovery implements Discovery {

	/**
	 * Header hashed by the load balancer unless {@code phanes.loadbalancer.hash.header}
	 * or {@code --key-header} names another.
	 */
	static final String DEFAULT_HASH_HEADER = "X-Phanes-Key";

	private final ConfigurableApplicationContext context;

	private final CliOptions options;

	private final DiscoveryClient client;

	private final LoadBalancerClientFactory balancers;

	private final long listenedUntil;

	private PhanesDiscovery(ConfigurableApplicationContext context, CliOptions options) {
		this.context = context;
		this.options = options;
		this.client = context.getBean(DiscoveryClient.class);
		this.balancers = context.getBean(LoadBalancerClientFactory.class);
		this.listenedUntil = System.nanoTime() + (options.usesEtcd() ? 0 : options.listen().toNanos());
	}

	/**
	 * Start the context.
	 * @param options the command's options
	 * @param properties further properties, which win over files and the environment
	 * @return the discovery
	 * @throws CliException if the context does not start
	 */
	static PhanesDiscovery open(CliOptions options, Map<String, String> properties) {
		SpringApplication application = new SpringApplication(CliApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setDefaultProperties(Map.of("phanes.loadbalancer.hash.header", DEFAULT_HASH_HEADER));
		List<String> arguments = new ArrayList<>();
		properties(options, properties).forEach((name, value) -> arguments.add("--" + name + "=" + value));
		try {
			return new PhanesDiscovery(application.run(arguments.toArray(String[]::new)), options);
		}
		catch (RuntimeException ex) {
			throw new CliException("Discovery did not start (" + description(options) + "): " + rootMessage(ex),
					CliException.FAILED, ex);
		}
	}

	/**
	 * The properties of the context, for the given options.
	 * @param options the command's options
	 * @param extra further properties
	 * @return the properties, in order
	 */
	static Map<String, String> properties(CliOptions options, Map<String, String> extra) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.config.name", "phanes-cli");
		properties.put("spring.application.name", "phanes-cli");
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.cloud.service-registry.auto-registration.enabled", "false");
		// Instances are read once, after the listening time: no cache, and no warning
		// that there is none
		properties.put("spring.cloud.loadbalancer.cache.enabled", "false");
		properties.put("logging.level.org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplierBuilder",
				"ERROR");
		for (String block : List.of("store", "event", "config", "sync", "collector", "rpc", "auth")) {
			properties.put("phanes." + block + ".enabled", "false");
		}
		properties.put("phanes.loadbalancer.grpc.enabled", "false");
		// Multicast safety: JmDNS binds the given address (loopback unless told), never
		// an interface of its own choosing.
		properties.put("phanes.discovery.mdns.address", options.mdnsAddress());
		if (options.usesEtcd()) {
			properties.put("phanes.discovery.type", "etcd");
			properties.put("phanes.discovery.etcd.endpoints", String.join(",", options.etcd()));
			properties.put("phanes.discovery.etcd.connect-timeout", options.timeout().toMillis() + "ms");
			properties.put("phanes.discovery.etcd.request-timeout", options.timeout().toMillis() + "ms");
		}
		else {
			properties.put("phanes.discovery.type", "mdns");
			properties.put("phanes.discovery.mdns.first-lookup-timeout", options.listen().toMillis() + "ms");
			properties.put("phanes.discovery.mdns.close-timeout", "250ms");
		}
		if (options.verbose()) {
			properties.put("logging.level.root", "INFO");
			properties.put("logging.level.dev.phanes", "DEBUG");
		}
		else {
			// a failed start is reported once, by the command, with its cause
			properties.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
			properties.put("logging.level.org.springframework.boot.diagnostics", "OFF");
			properties.put("logging.level.org.springframework.context.annotation.AnnotationConfigApplicationContext",
					"ERROR");
			// an unreachable etcd is reported by the command, with the view's last error
			properties.put("logging.level.io.etcd.jetcd", "ERROR");
			properties.put("logging.level.dev.phanes.discovery.etcd.EtcdView", "ERROR");
		}
		properties.putAll(extra);
		return properties;
	}

	@Override
	public String description() {
		return description(this.options);
	}

	private static String description(CliOptions options) {
		return options.usesEtcd() ? "etcd at " + String.join(",", options.etcd()) : "mDNS on " + options.mdnsAddress();
	}

	@Override
	public List<String> services() {
		awaitListening();
		return this.client.getServices().stream().sorted().toList();
	}

	@Override
	public List<ServiceInstance> instances(String serviceId) {
		// asks the network for the service at once, then gives it the rest of the wait
		this.client.getInstances(serviceId);
		awaitListening();
		return this.client.getInstances(serviceId)
			.stream()
			.sorted(Comparator.comparing(ServiceInstance::getInstanceId))
			.toList();
	}

	@Override
	public Optional<ServiceInstance> choose(String serviceId, RequestData request) {
		instances(serviceId);
		ReactiveLoadBalancer<ServiceInstance> balancer = this.balancers.getInstance(serviceId);
		if (balancer == null) {
			return Optional.empty();
		}
		Response<ServiceInstance> response = Mono
			.from(balancer.choose(new DefaultRequest<>(new RequestDataContext(request, "default"))))
			.block(this.options.timeout().plus(this.options.listen()));
		return (response != null && response.hasServer()) ? Optional.of(response.getServer()) : Optional.empty();
	}

	@Override
	public String hashHeader() {
		String header = this.context.getBean(PhanesLoadBalancerProperties.class).getHash().getHeader();
		return (header != null && !header.isBlank()) ? header : DEFAULT_HASH_HEADER;
	}

	@Override
	public @Nullable String problem() {
		if (!this.options.usesEtcd()) {
			return null;
		}
		EtcdView view = this.context.getBeanProvider(EtcdView.class).getIfAvailable();
		return (view != null) ? view.lastError() : null;
	}

	@Override
	public void close() {
		this.context.close();
	}

	private void awaitListening() {
		long left = this.listenedUntil - System.nanoTime();
		if (left > 0) {
			try {
				Thread.sleep(Duration.ofNanos(left).toMillis() + 1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new CliException("Interrupted while listening to " + description());
			}
		}
	}

	/**
	 * The message of the first cause that is not Spring's wrapping of a bean failure,
	 * such as {@code Could not open mDNS on 10.0.0.9: Cannot assign requested address}.
	 */
	static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof BeansException && cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return (cause.getMessage() != null) ? cause.getMessage() : cause.toString();
	}

	/**
	 * The context's configuration: auto-configuration alone, no component scan.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class CliApplication {

	}

}
