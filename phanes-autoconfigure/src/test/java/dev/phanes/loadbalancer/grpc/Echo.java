package dev.phanes.loadbalancer.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.google.protobuf.StringValue;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

/**
 * A small gRPC service for the tests, with protobuf messages (the well-known
 * {@code StringValue}) and no generated code: {@code Who} (idempotent) and {@code Create}
 * (not idempotent) answer the server's name, {@code Chat} (bidirectional) echoes every
 * message. A server can be switched to hang or to fail.
 */
final class Echo {

	static final String SERVICE = "phanes.test.Echo";

	static final MethodDescriptor<StringValue, StringValue> WHO = unary("Who", true);

	static final MethodDescriptor<StringValue, StringValue> CREATE = unary("Create", false);

	static final MethodDescriptor<StringValue, StringValue> CHAT = MethodDescriptor
		.<StringValue, StringValue>newBuilder()
		.setType(MethodDescriptor.MethodType.BIDI_STREAMING)
		.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Chat"))
		.setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
		.build();

	enum Mode {

		ANSWER, HANG, FAIL

	}

	private Echo() {
	}

	private static MethodDescriptor<StringValue, StringValue> unary(String name, boolean idempotent) {
		return MethodDescriptor.<StringValue, StringValue>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
			.setIdempotent(idempotent)
			.setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
			.setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
			.build();
	}

	/**
	 * A running server on loopback.
	 */
	static final class EchoServer {

		final String name;

		final AtomicReference<Mode> mode = new AtomicReference<>(Mode.ANSWER);

		final AtomicInteger who = new AtomicInteger();

		final AtomicInteger created = new AtomicInteger();

		final @Nullable Server server;

		EchoServer(String name) throws IOException {
			this(name, true);
		}

		/**
		 * Create the service, and start a server of its own if asked.
		 */
		EchoServer(String name, boolean start) throws IOException {
			this.name = name;
			this.server = start ? NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
				.addService(definition())
				.build()
				.start() : null;
		}

		int port() {
			return this.server.getPort();
		}

		void stop() throws InterruptedException {
			this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}

		ServerServiceDefinition definition() {
			return ServerServiceDefinition.builder(SERVICE)
				.addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
					this.who.incrementAndGet();
					answer(response);
				}))
				.addMethod(CREATE, ServerCalls.asyncUnaryCall((request, response) -> {
					this.created.incrementAndGet();
					answer(response);
				}))
				.addMethod(CHAT, ServerCalls.asyncBidiStreamingCall((responses) -> new StreamObserver<StringValue>() {

					@Override
					public void onNext(StringValue value) {
						responses.onNext(value);
					}

					@Override
					public void onError(Throwable error) {
					}

					@Override
					public void onCompleted() {
						responses.onCompleted();
					}

				}))
				.build();
		}

		private void answer(StreamObserver<StringValue> response) {
			switch (this.mode.get()) {
				case ANSWER -> {
					response.onNext(StringValue.of(this.name));
					response.onCompleted();
				}
				case FAIL -> response.onError(Status.INTERNAL.withDescription("failing on purpose").asException());
				case HANG -> {
					// Never answers.
				}
			}
		}

	}

}
