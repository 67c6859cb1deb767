/**
 * The load-balancing block: a random-hashed {@code ReactorServiceInstanceLoadBalancer}
 * for every Spring Cloud LoadBalancer client.
 */
@NullMarked
package dev.phanes.loadbalancer;

import org.jspecify.annotations.NullMarked;
