/**
 * JMH benchmarks of Phanes (store backends, load balancer, discovery convergence), each
 * beside a baseline measured in the same run so that a run yields a ratio.
 */
@NullMarked
package dev.phanes.benchmarks;

import org.jspecify.annotations.NullMarked;
