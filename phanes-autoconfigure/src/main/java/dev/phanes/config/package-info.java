/**
 * The config block: reloads that validate a change before they rebind
 * {@code @ConfigurationProperties} beans through Spring Cloud Context, triggered by a
 * {@link dev.phanes.config.ConfigChangedEvent} from any watcher (imported files here,
 * etcd prefixes in {@code dev.phanes.config.etcd}), and live handles of properties.
 */
@NullMarked
package dev.phanes.config;

import org.jspecify.annotations.NullMarked;
