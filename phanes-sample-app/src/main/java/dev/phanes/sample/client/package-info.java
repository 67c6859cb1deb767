/**
 * Calls to peer services, by service name through Phanes' load balancer.
 */
@NullMarked
package dev.phanes.sample.client;

import org.jspecify.annotations.NullMarked;
