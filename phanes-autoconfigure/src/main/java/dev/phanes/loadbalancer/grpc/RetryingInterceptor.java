package dev.phanes.loadbalancer.grpc;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.jspecify.annotations.Nullable;

import dev.phanes.loadbalancer.LoadBalancerMetrics;

/**
 * Gives each attempt of a unary call that sets no deadline the configured one, and
 * retries an idempotent unary call on another instance when its attempt fails with
 * UNAVAILABLE or runs out of its own deadline (not the caller's): the request is kept, a
 * new attempt is started on the same channel with the instances tried so far in its call
 * options, and Phanes' policy picks one of the others. Only calls that Phanes' policy
 * routed are retried; a call is idempotent when its method is marked idempotent or
 * side-effect free (proto {@code idempotency_level}), or named in
 * {@code phanes.loadbalancer.grpc.idempotent-methods}. The response of the last attempt
 * is the call's.
 */
final class RetryingInterceptor implements ClientInterceptor {

	private final long deadlineNanos;

	private final int retries;

	private final Set<String> idempotentMethods;

	private final LoadBalancerMetrics metrics;

	RetryingInterceptor(Duration deadline, int retries, Set<String> idempotentMethods, LoadBalancerMetrics metrics) {
		this.deadlineNanos = deadline.toNanos();
		this.retries = retries;
		this.idempotentMethods = Set.copyOf(idempotentMethods);
		this.metrics = metrics;
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		if (this.retries > 0 && method.getType() == MethodDescriptor.MethodType.UNARY && isIdempotent(method)) {
			return new RetryingCall<>(method, callOptions, next);
		}
		if (method.getType() == MethodDescriptor.MethodType.UNARY) {
			return next.newCall(method, withAttemptDeadline(callOptions));
		}
		// Streams live as long as their caller wants: no deadline of Phanes' own.
		return next.newCall(method, callOptions);
	}

	private boolean isIdempotent(MethodDescriptor<?, ?> method) {
		return method.isIdempotent() || method.isSafe() || this.idempotentMethods.contains(method.getFullMethodName())
				|| (method.getServiceName() != null && this.idempotentMethods.contains(method.getServiceName()));
	}

	private CallOptions withAttemptDeadline(CallOptions options) {
		if (this.deadlineNanos <= 0) {
			return options;
		}
		Deadline attempt = Deadline.after(this.deadlineNanos, TimeUnit.NANOSECONDS);
		Deadline caller = options.getDeadline();
		return (caller == null || attempt.isBefore(caller)) ? options.withDeadline(attempt) : options;
	}

	/**
	 * One unary call, attempted until an attempt ends in a way not to retry.
	 */
	private final class RetryingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {

		private final MethodDescriptor<ReqT, RespT> method;

		private final CallOptions callOptions;

		private final Channel channel;

		private final CallAttempts attempts = new CallAttempts();

		private @Nullable Listener<RespT> listener;

		private @Nullable Metadata headers;

		private @Nullable ReqT request;

		private volatile @Nullable ClientCall<ReqT, RespT> current;

		private volatile boolean cancelled;

		private int attempt;

		RetryingCall(MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel channel) {
			this.method = method;
			this.callOptions = callOptions;
			this.channel = channel;
		}

		@Override
		public void start(Listener<RespT> listener, Metadata headers) {
			this.listener = listener;
			this.headers = headers;
		}

		@Override
		public void request(int numMessages) {
			// Each attempt asks for its one response itself.
		}

		@Override
		public void sendMessage(ReqT message) {
			if (this.request != null) {
				throw new IllegalStateException("A unary call sends one message");
			}
			this.request = message;
		}

		@Override
		public void halfClose() {
			startAttempt();
		}

		@Override
		public void cancel(@Nullable String message, @Nullable Throwable cause) {
			this.cancelled = true;
			ClientCall<ReqT, RespT> call = this.current;
			if (call != null) {
				call.cancel(message, cause);
			}
			else if (this.listener != null) {
				this.listener.onClose(Status.CANCELLED.withDescription(message).withCause(cause), new Metadata());
			}
		}

		@Override
		public boolean isReady() {
			ClientCall<ReqT, RespT> call = this.current;
			return call != null && call.isReady();
		}

		private void startAttempt() {
			CallOptions options = withAttemptDeadline(this.callOptions.withOption(CallAttempts.KEY, this.attempts));
			Metadata headers = new Metadata();
			if (this.headers != null) {
				headers.merge(this.headers);
			}
			ClientCall<ReqT, RespT> call = this.channel.newCall(this.method, options);
			this.current = call;
			if (this.cancelled) {
				call.cancel("cancelled", null);
			}
			call.start(new AttemptListener(options.getDeadline()), headers);
			call.request(2);
			if (this.request != null) {
				call.sendMessage(this.request);
			}
			call.halfClose();
		}

		private boolean shouldRetry(Status status, @Nullable Deadline attemptDeadline) {
			if (this.cancelled || this.attempt >= RetryingInterceptor.this.retries || this.attempts.isEmpty()) {
				return false;
			}
			Deadline caller = this.callOptions.getDeadline();
			if (caller != null && caller.isExpired()) {
				return false;
			}
			return status.getCode() == Status.Code.UNAVAILABLE
					|| (status.getCode() == Status.Code.DEADLINE_EXCEEDED && attemptDeadline != null);
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
					RetryingCall.this.attempt++;
					RetryingInterceptor.this.metrics.retried(RetryingCall.this.channel.authority());
					startAttempt();
					return;
				}
				Listener<RespT> listener = RetryingCall.this.listener;
				if (listener == null) {
					return;
				}
				if (this.responseHeaders != null) {
					listener.onHeaders(this.responseHeaders);
				}
				if (this.response != null) {
					listener.onMessage(this.response);
				}
				listener.onClose(status, trailers);
			}

		}

	}

}
