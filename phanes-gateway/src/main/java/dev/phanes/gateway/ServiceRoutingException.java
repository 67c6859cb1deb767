package dev.phanes.gateway;

import org.springframework.http.HttpStatus;

/**
 * A request the service route refuses or cannot route, answered by the gateway itself
 * with a problem detail: never retried, never sent to an instance.
 */
class ServiceRoutingException extends RuntimeException {

	private final HttpStatus status;

	ServiceRoutingException(HttpStatus status, String detail) {
		super(detail, null, false, false);
		this.status = status;
	}

	HttpStatus getStatus() {
		return this.status;
	}

}
