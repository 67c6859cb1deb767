package dev.phanes.loadbalancer;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestDataHashKeyResolver}.
 */
class RequestDataHashKeyResolverTests {

	private final RequestDataHashKeyResolver resolver = new RequestDataHashKeyResolver("X-User-Id", "session",
			"tenant");

	@Test
	void prefersTheHeaderThenTheCookieThenTheQueryParameter() {
		assertThat(this.resolver.resolve(request("u1", "s1", "?tenant=t1"))).isEqualTo("u1");
		assertThat(this.resolver.resolve(request(null, "s1", "?tenant=t1"))).isEqualTo("s1");
		assertThat(this.resolver.resolve(request(null, null, "?tenant=t1&x=2"))).isEqualTo("t1");
		assertThat(this.resolver.resolve(request("", null, "?tenant="))).isNull();
		assertThat(this.resolver.resolve(request(null, null, ""))).isNull();
	}

	@Test
	void requestsWithoutHttpDataHaveNoKey() {
		assertThat(this.resolver.resolve(new DefaultRequest<>(new DefaultRequestContext()))).isNull();
		assertThat(this.resolver.resolve(new DefaultRequest<>())).isNull();
	}

	@Test
	void resolvesNothingWhenNothingIsConfigured() {
		assertThat(new RequestDataHashKeyResolver(null, null, null).resolve(request("u1", "s1", "?tenant=t1")))
			.isNull();
	}

	private static DefaultRequest<RequestDataContext> request(String header, String cookie, String query) {
		HttpHeaders headers = new HttpHeaders();
		if (header != null) {
			headers.add("X-User-Id", header);
		}
		MultiValueMap<String, String> cookies = new LinkedMultiValueMap<>();
		if (cookie != null) {
			cookies.add("session", cookie);
		}
		return new DefaultRequest<>(new RequestDataContext(
				new RequestData(HttpMethod.GET, URI.create("http://svc/a" + query), headers, cookies, Map.of())));
	}

}
