package dev.phanes.sample.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import reactor.core.publisher.Mono;

import dev.phanes.sample.bll.InvalidNoteException;
import dev.phanes.sample.bll.NoteNotFoundException;
import dev.phanes.store.InvalidKeyException;
import dev.phanes.store.InvalidQueryException;
import dev.phanes.store.StoreAccessException;
import dev.phanes.store.ValueTooLargeException;
import dev.phanes.store.VersionConflictException;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns the errors of the notes API into RFC 9457 problem details: bad input is a 400, a
 * missing note a 404, a stale {@code If-Match} a 412, an unreachable store a 503, a peer
 * that failed a 502 and one that cannot be reached a 503.
 * <p>
 * Extending {@link ResponseEntityExceptionHandler} gives WebFlux's own errors (an
 * unreadable body, a limit that is not a number) the same shape.
 */
@RestControllerAdvice
class NotesExceptionHandler extends ResponseEntityExceptionHandler {

	@ExceptionHandler({ InvalidNoteException.class, InvalidKeyException.class, ValueTooLargeException.class,
			InvalidQueryException.class })
	ProblemDetail badRequest(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notFound(NoteNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> versionConflict(VersionConflictException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_FAILED,
				"Note '" + ex.getKey() + "' has version " + ex.getActualVersion() + ", not " + ex.getExpectedVersion()
						+ "; GET it again and retry with its ETag");
		problem.setProperty("currentVersion", ex.getActualVersion());
		return ResponseEntity.status(HttpStatus.PRECONDITION_FAILED)
			.eTag(String.valueOf(ex.getActualVersion()))
			.body(problem);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		MethodParameter parameter = ex.getMethodParameter();
		if (ex.getCause() instanceof TypeMismatchException mismatch && parameter != null
				&& mismatch.getRequiredType() != null) {
			ex.setDetail("Parameter '" + parameter.getParameterName() + "' must be "
					+ mismatch.getRequiredType().getSimpleName() + ", not '" + mismatch.getValue() + "'");
		}
		return super.handleServerWebInputException(ex, headers, status, exchange);
	}

	/**
	 * A peer's answer to a call made for this request: its 4xx is this request's fault
	 * and keeps its status and detail; a peer that failed is a 502, and no instance of
	 * the peer service (Spring Cloud LoadBalancer's 503) stays a 503.
	 */
	@ExceptionHandler
	ProblemDetail peerAnswered(WebClientResponseException ex) {
		HttpStatusCode status = ex.getStatusCode();
		if (status.is4xxClientError()) {
			return ProblemDetail.forStatusAndDetail(status, peerDetail(ex));
		}
		if (status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
					"No instance of the peer service is available; retry later");
		}
		this.logger.warn("Peer failed: " + ex.getMessage());
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
				"The peer service failed (" + status.value() + "); retry later");
	}

	private static String peerDetail(WebClientResponseException ex) {
		try {
			ProblemDetail peer = ex.getResponseBodyAs(ProblemDetail.class);
			if (peer != null && peer.getDetail() != null) {
				return peer.getDetail();
			}
		}
		catch (RuntimeException notAProblem) {
			// the peer's body is not a problem detail: fall through
		}
		return "The peer service rejected the request (" + ex.getStatusCode().value() + ")";
	}

	/**
	 * A peer that could not be reached, after the load balancer's retries on other
	 * instances: 503, so that a caller retries later.
	 */
	@ExceptionHandler
	ProblemDetail peerUnreachable(WebClientRequestException ex) {
		this.logger.warn("No peer reachable: " + ex.getMessage());
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"No instance of the peer service could be reached; retry later");
	}

	/**
	 * A peer's gRPC answer: a peer that cannot be reached or ran out of time (after
	 * Phanes' retries of idempotent calls on other instances) is a 503, a peer that
	 * failed a 502, a call this request made wrong a 400.
	 */
	@ExceptionHandler
	ProblemDetail peerRpcFailed(StatusRuntimeException ex) {
		Status.Code code = ex.getStatus().getCode();
		if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
			this.logger.warn("No peer reachable over gRPC: " + ex.getStatus());
			return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
					"No instance of the peer service could be reached over gRPC; retry later");
		}
		if (code == Status.Code.INVALID_ARGUMENT) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"The peer service rejected the request: " + ex.getStatus().getDescription());
		}
		this.logger.warn("Peer failed over gRPC: " + ex.getStatus());
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY,
				"The peer service failed (gRPC " + code + "); retry later");
	}

	@ExceptionHandler
	ProblemDetail storeUnavailable(StoreAccessException ex) {
		this.logger.error("Store failed", ex);
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"The note store is unavailable; retry later");
	}

}
