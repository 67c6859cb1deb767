package dev.phanes.event;

import java.time.Duration;

import dev.phanes.event.kafka.KafkaEventTransport;
import dev.phanes.event.kafka.KafkaEventBusHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Auto-configuration of the {@link KafkaEventBusHealthIndicator}, reported as
 * {@code phanesEventBus}; {@code management.health.phanes-event.enabled=false} turns it
 * off. Put it in the readiness group only.
 */
@AutoConfiguration(after = EventAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, KafkaAdmin.class })
@ConditionalOnBean({ KafkaEventTransport.class, KafkaAdmin.class })
@ConditionalOnEnabledHealthIndicator("phanes-event")
@ConditionalOnPhanesEventEnabled
public final class EventHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "phanesEventBusHealthIndicator")
	KafkaEventBusHealthIndicator phanesEventBusHealthIndicator(KafkaAdmin admin) {
		return new KafkaEventBusHealthIndicator(admin.getConfigurationProperties(), Duration.ofSeconds(5));
	}

}
