/**
 * gRPC over any Spring Cloud discovery: the {@code discovery:///<service>} name resolver,
 * Phanes' hashed balancing as the gRPC policy {@code phanes_hashed}, retries of
 * idempotent calls on other instances, and the same outlier ejection as the HTTP clients.
 */
@NullMarked
package dev.phanes.loadbalancer.grpc;

import org.jspecify.annotations.NullMarked;
