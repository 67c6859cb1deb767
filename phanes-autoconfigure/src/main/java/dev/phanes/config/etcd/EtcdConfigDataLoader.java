package dev.phanes.config.etcd;

import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.config.ConfigData;
import org.springframework.boot.context.config.ConfigDataLoader;
import org.springframework.boot.context.config.ConfigDataLoaderContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Loads the keys under an etcd prefix as one property source named {@code etcd:<prefix>}.
 * When etcd does not answer it uses the values last read from the prefix (a reload during
 * an outage keeps them); with none yet, an {@code optional:} import starts empty and a
 * plain one fails start-up. Registered in {@code META-INF/spring.factories}.
 */
class EtcdConfigDataLoader implements ConfigDataLoader<EtcdConfigDataResource> {

	private static final Log logger = LogFactory.getLog(EtcdConfigDataLoader.class);

	@Override
	public ConfigData load(ConfigDataLoaderContext context, EtcdConfigDataResource resource) {
		EtcdConfigClient client = context.getBootstrapContext().get(EtcdConfigClient.class);
		String prefix = resource.getPrefix();
		EtcdConfigClient.Snapshot snapshot;
		try {
			snapshot = client.load(prefix);
		}
		catch (EtcdUnavailableException ex) {
			snapshot = client.lastGood(prefix);
			if (snapshot != null) {
				logger.warn("Keeping the last values read from etcd prefix " + prefix + " (revision "
						+ snapshot.revision() + "): " + ex.getMessage());
			}
			else if (resource.optional()) {
				logger.warn("Starting without etcd prefix " + prefix + " (optional import): " + ex.getMessage()
						+ "; its values are loaded when etcd answers");
				return new ConfigData(List.of(propertySource(prefix, new EtcdConfigClient.Snapshot(0, Map.of()))));
			}
			else {
				// Start-up stops here, before the client is handed to a context
				// that would close it.
				client.close();
				throw new EtcdConfigUnavailableException(resource, ex);
			}
		}
		return new ConfigData(List.of(propertySource(prefix, snapshot)));
	}

	static String propertySourceName(String prefix) {
		return EtcdConfigDataLocationResolver.PREFIX + prefix;
	}

	private static MapPropertySource propertySource(String prefix, EtcdConfigClient.Snapshot snapshot) {
		return new MapPropertySource(propertySourceName(prefix), snapshot.properties());
	}

}
