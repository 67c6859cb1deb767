package dev.phanes.config.etcd;

import dev.phanes.config.ConfigException;

/**
 * A {@code spring.config.import} of an etcd prefix, not marked {@code optional:}, could
 * not be loaded because etcd did not answer: start-up stops.
 */
public class EtcdConfigUnavailableException extends ConfigException {

	EtcdConfigUnavailableException(EtcdConfigDataResource resource, EtcdUnavailableException cause) {
		super("Cannot load the configuration imported from " + resource + ": " + cause.getMessage()
				+ ". Start etcd, correct phanes.config.etcd.endpoints, or import it as optional:etcd:"
				+ resource.getPrefix() + " to start without it", cause);
	}

}
