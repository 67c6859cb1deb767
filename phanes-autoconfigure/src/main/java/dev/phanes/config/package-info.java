/**
 * The config block: an {@code etcd:} source for Spring Boot's ConfigData imports, watches
 * on etcd prefixes and imported files, and reloads that validate a change before they
 * rebind {@code @ConfigurationProperties} beans through Spring Cloud Context.
 */
@NullMarked
package dev.phanes.config;

import org.jspecify.annotations.NullMarked;
