package dev.phanes.config.etcd;

import java.util.List;

import dev.phanes.config.ConfigException;

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
	EtcdUnavailableException(List<String> endpoints, String reason, Throwable cause) {
		super("etcd at " + endpoints + " is unavailable: " + reason, cause);
	}

}
