/**
 * Service discovery over multicast DNS: a Spring Cloud {@code DiscoveryClient}, service
 * registry and auto-registration on JmDNS, publishing standard DNS-SD records.
 */
@NullMarked
package dev.phanes.discovery;

import org.jspecify.annotations.NullMarked;
