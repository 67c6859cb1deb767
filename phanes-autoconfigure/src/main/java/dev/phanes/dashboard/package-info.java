/**
 * The dashboard: a read-only page over the whole environment (services, instances,
 * endpoints, traces, logs, configuration, locks, auth rules) and the environment's
 * endpoint catalog, both built from discovery and each instance's Actuator endpoints over
 * HTTP; they keep no state of their own.
 */
@NullMarked
package dev.phanes.dashboard;

import org.jspecify.annotations.NullMarked;
