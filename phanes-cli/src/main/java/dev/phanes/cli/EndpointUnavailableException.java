package dev.phanes.cli;

/**
 * An Actuator endpoint of an instance could not be read: the instance is unreachable, the
 * endpoint is not exposed, or it answered with an error. The message names the instance,
 * the URL and what to do.
 */
class EndpointUnavailableException extends CliException {

	private final boolean notExposed;

	/**
	 * Create an exception.
	 * @param message what went wrong, naming the instance and the URL
	 * @param notExposed whether the endpoint answered 404 (not exposed, or not there)
	 */
	EndpointUnavailableException(String message, boolean notExposed) {
		super(message);
		this.notExposed = notExposed;
	}

	/**
	 * Return whether the endpoint answered 404: it is not exposed over HTTP, or the
	 * instance does not have it.
	 * @return whether it is missing rather than failing
	 */
	boolean notExposed() {
		return this.notExposed;
	}

}
