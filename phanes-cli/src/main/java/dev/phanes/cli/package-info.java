/**
 * The {@code phanes} command line: lists the services Phanes discovers (mDNS or etcd),
 * describes their instances from their Actuator endpoints, calls them through Phanes'
 * load balancer and tails their logs.
 */
@NullMarked
package dev.phanes.cli;

import org.jspecify.annotations.NullMarked;
