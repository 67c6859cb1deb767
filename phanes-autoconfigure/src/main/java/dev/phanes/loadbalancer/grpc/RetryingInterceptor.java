package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.phanes.loadbalancer.LoadBalancerMetrics;

/**
 * The interceptor of one channel configured by {@link GrpcDiscovery#configure}. Calls of
 * a channel whose target is not a {@code discovery:} one pass through untouched. On a
 * {@code discovery:} channel, a unary call whose caller set no deadline (on the call or
 * in the gRPC {@link Context}) gets the configured one for each attempt, and an
 * idempotent unary call is retried on another instance when its attempt fails with
 * UNAVAILABLE, or runs out of that attempt deadline: the request is kept, a new attempt
 * is started on the same channel with the instances tried so far in its call options, and
 * Phanes' policy picks one of the others. A call with the caller's own deadline is
 * retried only on UNAVAILABLE, within that deadline. Only calls that Phanes' policy
 * routed are retried; a call is idempotent when its method is marked idempotent or
 * side-effect free (proto {@code idempotency_level}), or named in
 * {@code phanes.loadbalancer.grpc.idempotent-methods}. The response of the last attempt
 * is the call's.
 */
final class RetryingInterceptor implements ClientInterceptor {

	private final DiscoveryChannel channel;

	private final long deadlineNanos;

	private final int retries;

	private final Set<String> idempotentMethods;

	private final LoadBalancerMetrics metrics;

	RetryingInterceptor(DiscoveryChannel channel, Duration deadline, int retries, Set<String> idempotentMethods,
			LoadBalancerMetrics metrics) {
		this.channel = channel;
		this.deadlineNanos = deadline.toNanos();
		this.retries = retries;
		this.idempotentMethods = Set.copyOf(idempotentMethods);
		this.metrics = metrics;
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		if (!this.channel.isResolvedByPhanes() || method.getType() != MethodDescriptor.MethodType.UNARY) {
			// Streams live as long as their caller wants: no deadline of Phanes' own.
			return next.newCall(method, callOptions);
		}
		Deadline contextDeadline = Context.current().getDeadline();
		boolean callerDeadline = callOptions.getDeadline() != null || contextDeadline != null;
		if (this.retries > 0 && isIdempotent(method)) {
			return new RetryingCall<>(method, callOptions, next, !callerDeadline, contextDeadline);
		}
		return next.newCall(method, callerDeadline ? callOptions : withAttemptDeadline(callOptions));
	}

	private boolean isIdempotent(MethodDescriptor<?, ?> method) {
		return method.isIdempotent() || method.isSafe() || this.idempotentMethods.contains(method.getFullMethodName())
				|| (method.getServiceName() != null && this.idempotentMethods.contains(method.getServiceName()));
	}

	private CallOptions withAttemptDeadline(CallOptions options) {
		return (this.deadlineNanos > 0) ? options.withDeadline(Deadline.after(this.deadlineNanos, TimeUnit.NANOSECONDS))
				: options;
	}

	/**
	 * One unary call, attempted until an attempt ends in a way not to retry. Attempts are
	 * started and the call cancelled under one monitor, so a cancellation reaches the
	 * attempt that runs or stops the next one from starting; the caller's listener is
	 * closed exactly once.
	 */
	private final class RetryingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

		private final MethodDescriptor<ReqT, RespT> method;

		private final CallOptions callOptions;

		private final Channel next;

		private final boolean attemptDeadlines;

		private final @Nullable Deadline contextDeadline;

		private final CallAttempts attempts = new CallAttempts();

		private @Nullable Listener<RespT> listener;

		private @Nullable Metadata headers;

		private @Nullable ReqT request;

		private @Nullable ClientCall<ReqT, RespT> current;

		private boolean cancelled;

		private boolean closed;

		private int attempt;

		RetryingCall(MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next,
				boolean attemptDeadlines, @Nullable Deadline contextDeadline) {
			this.method = method;
			this.callOptions = callOptions;
			this.next = next;
			this.attemptDeadlines = attemptDeadlines;
			this.contextDeadline = contextDeadline;
		}

		@Override
		public void start(Listener<RespT> listener, Metadata headers) {
			boolean cancelledBefore;
			synchronized (this) {
				this.listener = listener;
				this.headers = headers;
				cancelledBefore = this.cancelled;
			}
			if (cancelledBefore) {
				close(Status.CANCELLED.withDescription("Cancelled before the call started"), new Metadata());
			}
		}

		@Override
		public void request(int numMessages) {
			// Each attempt asks for its one response itself.
		}

		@Override
		public void sendMessage(ReqT message) {
			synchronized (this) {
				if (this.request != null) {
					throw new IllegalStateException("A unary call sends one message");
				}
				this.request = message;
			}
		}

		@Override
		public void halfClose() {
			startAttempt();
		}

		@Override
		public void cancel(@Nullable String message, @Nullable Throwable cause) {
			ClientCall<ReqT, RespT> call;
			synchronized (this) {
				if (this.cancelled) {
					return;
				}
				this.cancelled = true;
				call = this.current;
			}
			if (call != null) {
				// Its listener closes the caller's, with the status this gives.
				call.cancel(message, cause);
			}
			else {
				close(Status.CANCELLED.withDescription(message).withCause(cause), new Metadata());
			}
		}

		@Override
		public boolean isReady() {
			ClientCall<ReqT, RespT> call;
			synchronized (this) {
				call = this.current;
			}
			return call != null && call.isReady();
		}

		@Override
		public Attributes getAttributes() {
			ClientCall<ReqT, RespT> call;
			synchronized (this) {
				call = this.current;
			}
			return (call != null) ? call.getAttributes() : Attributes.EMPTY;
		}

		private void startAttempt() {
			synchronized (this) {
				if (!this.cancelled) {
					CallOptions options = this.callOptions.withOption(CallAttempts.KEY, this.attempts);
					if (this.attemptDeadlines) {
						options = withAttemptDeadline(options);
					}
					Metadata headers = new Metadata();
					if (this.headers != null) {
						headers.merge(this.headers);
					}
					ClientCall<ReqT, RespT> call = this.next.newCall(this.method, options);
					this.current = call;
					// Started under the lock, so that a cancel reaches it started.
					call.start(new AttemptListener(this.attemptDeadlines ? options.getDeadline() : null), headers);
					call.request(2);
					if (this.request != null) {
						call.sendMessage(this.request);
					}
					call.halfClose();
					return;
				}
			}
			// Cancelled before this attempt: none is started.
			close(Status.CANCELLED.withDescription("Cancelled before the call was sent"), new Metadata());
		}

		private synchronized boolean shouldRetry(Status status, @Nullable Deadline attemptDeadline) {
			if (this.cancelled || this.attempt >= RetryingInterceptor.this.retries || this.attempts.isEmpty()) {
				return false;
			}
			Deadline caller = this.callOptions.getDeadline();
			if ((caller != null && caller.isExpired())
					|| (this.contextDeadline != null && this.contextDeadline.isExpired())) {
				return false;
			}
			boolean retry = status.getCode() == Status.Code.UNAVAILABLE
					|| (status.getCode() == Status.Code.DEADLINE_EXCEEDED && attemptDeadline != null
							&& attemptDeadline.isExpired());
			if (retry) {
				this.attempt++;
			}
			return retry;
		}

		private void close(Status status, Metadata trailers) {
			Listener<RespT> listener;
			synchronized (this) {
				if (this.closed || this.listener == null) {
					// Not started yet: the caller's listener is closed once it is.
					return;
				}
				this.closed = true;
				listener = this.listener;
			}
			if (listener != null) {
				listener.onClose(status, trailers);
			}
		}

		/**
		 * Keeps an attempt's response until the attempt ends, then retries or passes it
		 * on.
		 */
		private final class AttemptListener extends Listener<RespT> {

			private final @Nullable Deadline deadline;

			private @Nullable Metadata responseHeaders;

			private @Nullable RespT response;

			AttemptListener(@Nullable Deadline deadline) {
				this.deadline = deadline;
			}

			@Override
			public void onHeaders(Metadata headers) {
				this.responseHeaders = headers;
			}

			@Override
			public void onMessage(RespT message) {
				this.response = message;
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				if (!status.isOk() && this.response == null && shouldRetry(status, this.deadline)) {
					RetryingInterceptor.this.metrics.retried(RetryingCall.this.next.authority());
					startAttempt();
					return;
				}
				Listener<RespT> listener;
				synchronized (RetryingCall.this) {
					listener = RetryingCall.this.listener;
				}
				if (listener != null && !isClosed()) {
					if (this.responseHeaders != null) {
						listener.onHeaders(this.responseHeaders);
					}
					if (this.response != null) {
						listener.onMessage(this.response);
					}
				}
				close(status, trailers);
			}

		}

		private synchronized boolean isClosed() {
			return this.closed;
		}

	}

}
