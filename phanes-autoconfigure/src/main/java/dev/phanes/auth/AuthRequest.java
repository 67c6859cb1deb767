package dev.phanes.auth;

import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link RuleSet} decides on: the call being made and who makes it.
 *
 * @param service the service being called (this service's name)
 * @param method the HTTP method, in any case
 * @param path the request path, without query string
 * @param caller the calling service, or {@code null} for an end user or an anonymous
 * request
 * @param scopes the scopes the caller's token carries, empty when there is none
 * @param authenticated whether the request carries a verified token
 */
public record AuthRequest(String service, String method, String path, @Nullable String caller, Set<String> scopes,
		boolean authenticated) {

	/**
	 * Create a request.
	 * @param service the service being called
	 * @param method the HTTP method
	 * @param path the request path
	 * @param caller the calling service, or {@code null}
	 * @param scopes the scopes of the caller's token
	 * @param authenticated whether the request carries a verified token
	 */
	public AuthRequest {
		Objects.requireNonNull(service, "service must not be null");
		Objects.requireNonNull(method, "method must not be null");
		Objects.requireNonNull(path, "path must not be null");
		scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes must not be null; use an empty set"));
	}

}
