/**
 * The endpoint catalog: the {@code catalog} Actuator endpoint, which lists what this
 * instance serves (its request mappings, {@code @HttpExchange} controllers included, and
 * its gRPC methods), read by the gateway, the dashboard and the CLI from each running
 * instance rather than published in discovery records.
 */
@NullMarked
package dev.phanes.catalog;

import org.jspecify.annotations.NullMarked;
