/**
 * The Phanes gateway: one Spring Cloud Gateway route that sends {@code /{service}/**} to
 * the instances of {@code service} that discovery knows, through Phanes' load balancer
 * (hash-key stickiness, outlier ejection), retrying idempotent requests on another
 * instance, with problem details for unknown services and ambiguous paths.
 */
@NullMarked
package dev.phanes.gateway;

import org.jspecify.annotations.NullMarked;
