/**
 * etcd for the config block: an {@code etcd:} source for Spring Boot's ConfigData imports
 * (registered in {@code META-INF/spring.factories}), the watch of the imported prefixes,
 * which publishes a {@link dev.phanes.config.ConfigChangedEvent}, and the health of the
 * connection. Used only when jetcd is on the class path.
 */
@NullMarked
package dev.phanes.config.etcd;

import org.jspecify.annotations.NullMarked;
