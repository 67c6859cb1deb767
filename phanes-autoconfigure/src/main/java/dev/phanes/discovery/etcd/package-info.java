/**
 * Discovery over an etcd registry in go-micro's layout: registration under a lease kept
 * alive by one stream, and a live view fed by one prefix watch.
 */
@NullMarked
package dev.phanes.discovery.etcd;

import org.jspecify.annotations.NullMarked;
