package dev.phanes.sample.client;

import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * A {@code @LoadBalanced} WebClient and the HTTP interfaces built on it: a URL names a
 * service ({@code http://phanes-sample}), and Phanes' balancer picks the instance.
 */
@Configuration(proxyBeanMethods = false)
public class ClientConfiguration {

	/**
	 * Header carrying the user id, the hash key of calls to peers.
	 */
	public static final String USER_HEADER = "X-User-Id";

	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

	@Bean
	NotesClient notesClient(@LoadBalanced WebClient.Builder builder) {
		WebClient client = builder.baseUrl("http://phanes-sample").build();
		return HttpServiceProxyFactory.builderFor(WebClientAdapter.create(client))
			.build()
			.createClient(NotesClient.class);
	}

}
