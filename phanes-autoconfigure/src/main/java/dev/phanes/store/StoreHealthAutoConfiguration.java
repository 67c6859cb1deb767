package dev.phanes.store;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@link StoreHealthIndicator}, reported as
 * {@code phanesStore}; {@code management.health.phanes-store.enabled=false} turns it off.
 */
@AutoConfiguration(after = StoreAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Store.class)
@ConditionalOnEnabledHealthIndicator("phanes-store")
@ConditionalOnPhanesStoreEnabled
public final class StoreHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "phanesStoreHealthIndicator")
	StoreHealthIndicator phanesStoreHealthIndicator(Store store) {
		return new StoreHealthIndicator(store);
	}

}
