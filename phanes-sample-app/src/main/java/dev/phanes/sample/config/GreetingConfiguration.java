package dev.phanes.sample.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/**
 * Registers the sample's configuration properties.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GreetingProperties.class)
class GreetingConfiguration {

}
