package dev.phanes.discovery;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * With Actuator on the class path, Phanes' registrations (mDNS or etcd) carry where the
 * Actuator endpoints are, in the metadata keys Spring Boot Admin reads
 * ({@link ManagementMetadataPublisher}). Off with {@code phanes.discovery.enabled=false}
 * or {@code spring.cloud.discovery.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(value = Registration.class,
		name = { "org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType",
				"org.springframework.boot.web.server.context.WebServerInitializedEvent" })
@ConditionalOnDiscoveryEnabled
@ConditionalOnProperty(name = "phanes.discovery.enabled", matchIfMissing = true)
public final class ManagementMetadataAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static ManagementMetadataPublisher phanesManagementMetadataPublisher(ApplicationContext context) {
		return new ManagementMetadataPublisher(context);
	}

}
