/**
 * The RPC block's server side: a running gRPC server's port published in the
 * application's discovery registration as {@code gRPC_port}, so that
 * {@code discovery:///<service>} channels (in {@code dev.phanes.loadbalancer.grpc}) find
 * it.
 */
@NullMarked
package dev.phanes.rpc;

import org.jspecify.annotations.NullMarked;
