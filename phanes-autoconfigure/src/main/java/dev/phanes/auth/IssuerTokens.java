package dev.phanes.auth;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.jspecify.annotations.Nullable;

/**
 * Outgoing tokens from an OAuth2 issuer: an access token of the client-credentials grant
 * per called service, asked for with the service as the RFC 8707 {@code resource} (the
 * issuer should make it the token's audience), cached until {@code renewBefore} its
 * expiry. The token endpoint comes from the issuer's metadata
 * ({@code /.well-known/openid-configuration}, else
 * {@code /.well-known/oauth-authorization-server}); the client authenticates with HTTP
 * Basic. Thread-safe; concurrent callers for one service may each ask once.
 */
final class IssuerTokens implements OutgoingTokens {

	private final URI issuer;

	private final String clientId;

	private final String clientSecret;

	private final List<String> scopes;

	private final String audienceParameter;

	private final Duration renewBefore;

	private final Duration timeout;

	private final Clock clock;

	private final HttpClient http;

	private final ConcurrentMap<String, Cached> byAudience = new ConcurrentHashMap<>();

	private volatile @Nullable URI tokenEndpoint;

	IssuerTokens(URI issuer, String clientId, String clientSecret, List<String> scopes, String audienceParameter,
			Duration renewBefore, Duration timeout, Clock clock) {
		this.issuer = issuer;
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.scopes = List.copyOf(scopes);
		this.audienceParameter = audienceParameter;
		this.renewBefore = renewBefore;
		this.timeout = timeout;
		this.clock = clock;
		this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
	}

	@Override
	public String tokenFor(String audience) {
		Cached cached = this.byAudience.get(audience);
		if (cached != null && cached.renewAt.isAfter(this.clock.instant())) {
			return cached.token;
		}
		Cached fresh = request(audience);
		this.byAudience.put(audience, fresh);
		return fresh.token;
	}

	private Cached request(String audience) {
		URI endpoint = tokenEndpoint();
		StringBuilder form = new StringBuilder("grant_type=client_credentials");
		if (!this.audienceParameter.isEmpty()) {
			form.append('&').append(this.audienceParameter).append('=').append(encode(audience));
		}
		if (!this.scopes.isEmpty()) {
			form.append("&scope=").append(encode(String.join(" ", this.scopes)));
		}
		String basic = Base64.getEncoder()
			.encodeToString((encode(this.clientId) + ":" + encode(this.clientSecret)).getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(endpoint)
			.timeout(this.timeout)
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(form.toString()))
			.build();
		Instant asked = this.clock.instant();
		Map<String, Object> answer = send(request, "the token endpoint " + endpoint);
		Object token = answer.get("access_token");
		if (!(token instanceof String accessToken) || accessToken.isEmpty()) {
			throw new IllegalStateException("The token endpoint " + endpoint + " answered no access_token");
		}
		long expiresIn = (answer.get("expires_in") instanceof Number number) ? number.longValue() : 60;
		Duration lifetime = Duration.ofSeconds(expiresIn);
		Duration early = (this.renewBefore.compareTo(lifetime) < 0) ? this.renewBefore : lifetime.dividedBy(2);
		return new Cached(accessToken, asked.plus(lifetime).minus(early));
	}

	private URI tokenEndpoint() {
		URI endpoint = this.tokenEndpoint;
		if (endpoint != null) {
			return endpoint;
		}
		String base = this.issuer.toString().replaceAll("/+$", "");
		IllegalStateException failure = null;
		for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
			try {
				Map<String, Object> metadata = send(HttpRequest.newBuilder(URI.create(base + path))
					.timeout(this.timeout)
					.header("Accept", "application/json")
					.GET()
					.build(), "the issuer's metadata at " + base + path);
				if (metadata.get("token_endpoint") instanceof String found) {
					endpoint = URI.create(found);
					this.tokenEndpoint = endpoint;
					return endpoint;
				}
			}
			catch (IllegalStateException ex) {
				failure = ex;
			}
		}
		throw new IllegalStateException("No token endpoint found in the metadata of issuer " + this.issuer
				+ " (phanes.auth.issuer.uri)" + ((failure != null) ? ": " + failure.getMessage() : ""), failure);
	}

	private Map<String, Object> send(HttpRequest request, String what) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(what + " answered " + response.statusCode());
			}
			return JSONObjectUtils.parse(response.body());
		}
		catch (IOException | java.text.ParseException ex) {
			throw new IllegalStateException(what + " could not be read: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(what + ": interrupted", ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private record Cached(String token, Instant renewAt) {
	}

}
