package dev.phanes.config;

import java.util.List;

/**
 * etcd did not answer a read in time, or refused it.
 */
public class EtcdUnavailableException extends ConfigException {

	/**
	 * Create an exception.
	 * @param endpoints the endpoints tried
	 * @param reason what failed
	 * @param cause the client's exception
	 */
	public EtcdUnavailableException(List<String> endpoints, String reason, Throwable cause) {
		super("etcd at " + endpoints + " is unavailable: " + reason, cause);
	}

}
