package dev.phanes.sample.client;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.client.GrpcChannelFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * A {@code @LoadBalanced} WebClient and the HTTP interfaces built on it: a URL names a
 * service ({@code http://phanes-sample}, or {@code sample.peer-service}), mDNS discovery
 * lists its instances, and Phanes' balancer picks one. With {@code sample.peer-url} set,
 * peers are called at that fixed URL instead, through an equally observed WebClient with
 * no load balancer: the end-to-end suite compares the two to measure what the balancer
 * costs.
 */
@Configuration(proxyBeanMethods = false)
public class ClientConfiguration {

	/**
	 * Header carrying the user id, the hash key of calls to peers.
	 */
	public static final String USER_HEADER = "X-User-Id";

	/**
	 * The builder of load-balanced clients, observed: each call is a client span whose
	 * trace context goes to the peer in the request's headers.
	 */
	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder(ObjectProvider<ObservationRegistry> observations) {
		return WebClient.builder().observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
	}

	@Bean
	NotesClient notesClient(@LoadBalanced WebClient.Builder builder, ObjectProvider<ObservationRegistry> observations,
			@Value("${sample.peer-service:${spring.application.name}}") String peerService,
			@Value("${sample.peer-url:}") String peerUrl) {
		WebClient client = peerUrl.isEmpty() ? builder.baseUrl("http://" + peerService).build()
				: WebClient.builder()
					.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP))
					.baseUrl(peerUrl)
					.build();
		return HttpServiceProxyFactory.builderFor(WebClientAdapter.create(client))
			.build()
			.createClient(NotesClient.class);
	}

	/**
	 * The gRPC client of peers: a channel from Spring gRPC's channel factory to
	 * {@code discovery:///<peer service>}, which Phanes' channel customizer makes resolve
	 * through discovery and balance like the HTTP client.
	 */
	@Bean
	NotesRpcClient notesRpcClient(GrpcChannelFactory channels,
			@Value("${sample.peer-service:${spring.application.name}}") String peerService) {
		return new NotesRpcClient(channels.createChannel("discovery:///" + peerService));
	}

}
