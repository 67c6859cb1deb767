package dev.phanes.auth;

import org.jspecify.annotations.Nullable;

/**
 * Which service a request is for, when it is not for this application: an edge such as
 * the Phanes gateway, which sends {@code /{service}/**} on to the service, defines one as
 * a bean, and Phanes' rules then decide such a request as the service itself would, with
 * the service's name and the path the service gets. Requests it returns no target for are
 * decided as this application's own.
 */
@FunctionalInterface
public interface AuthTargets {

	/**
	 * The targets of an application that serves only itself.
	 */
	AuthTargets SELF = (rawPath) -> null;

	/**
	 * Find the target of a request.
	 * @param rawPath the request's path as sent, still encoded, already checked to read
	 * one way only
	 * @return the service and its raw path, or {@code null} if the request is for this
	 * application
	 */
	@Nullable Target target(String rawPath);

	/**
	 * A request's target.
	 *
	 * @param service the service the request goes to
	 * @param rawPath the path the service gets, still encoded
	 */
	record Target(String service, String rawPath) {

	}

}
