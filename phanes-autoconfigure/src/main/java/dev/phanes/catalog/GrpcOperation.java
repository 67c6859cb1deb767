package dev.phanes.catalog;

/**
 * One gRPC method an instance serves.
 *
 * @param service the fully qualified gRPC service, such as {@code phanes.sample.Notes}
 * @param method the method's simple name
 * @param type the kind of call: {@code UNARY}, {@code CLIENT_STREAMING},
 * {@code SERVER_STREAMING} or {@code BIDI_STREAMING}
 * @param idempotent whether the method is declared idempotent or free of side effects
 * (its proto {@code idempotency_level})
 * @param safe whether it is declared free of side effects
 */
public record GrpcOperation(String service, String method, String type, boolean idempotent, boolean safe) {

}
