/**
 * End-to-end tests: sample-app processes started with {@code java -jar} on loopback,
 * driven over HTTP under load and faults, every outcome counted.
 */
@NullMarked
package dev.phanes.e2e;

import org.jspecify.annotations.NullMarked;
