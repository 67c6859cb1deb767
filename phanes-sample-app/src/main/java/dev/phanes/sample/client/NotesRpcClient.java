package dev.phanes.sample.client;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import dev.phanes.sample.rpc.InstanceReply;
import dev.phanes.sample.rpc.InstanceRequest;
import dev.phanes.sample.rpc.NoteId;
import dev.phanes.sample.rpc.NoteReply;
import dev.phanes.sample.rpc.NotesRpcGrpc;

/**
 * The gRPC API of a peer instance, called by service name: the channel's target is
 * {@code discovery:///<peer service>}, which Phanes resolves through discovery and
 * balances with the same hash key as the HTTP client ({@code X-User-Id}, sent as the
 * {@code x-user-id} metadata entry).
 */
public class NotesRpcClient {

	private static final Metadata.Key<String> USER = Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER);

	private final NotesRpcGrpc.NotesRpcStub stub;

	/**
	 * Create the client.
	 * @param channel a channel to {@code discovery:///<peer service>}
	 */
	public NotesRpcClient(Channel channel) {
		this.stub = NotesRpcGrpc.newStub(channel);
	}

	/**
	 * Read a note from a peer.
	 * @param id the note's id
	 * @param userId the hash key, if any
	 * @return the peer's answer
	 */
	public Mono<NoteReply> get(String id, @Nullable String userId) {
		return Mono.create((sink) -> keyed(userId).get(NoteId.newBuilder().setId(id).build(), observer(sink)));
	}

	/**
	 * Ask a peer which instance it is.
	 * @param userId the hash key, if any
	 * @return the peer's answer
	 */
	public Mono<InstanceReply> instance(@Nullable String userId) {
		return Mono.create((sink) -> keyed(userId).instance(InstanceRequest.getDefaultInstance(), observer(sink)));
	}

	/**
	 * Look up notes on one bidirectional stream to one peer.
	 * @param ids the ids, sent in this order
	 * @param userId the hash key, if any
	 * @return the answers, in the order of the ids
	 */
	public Flux<NoteReply> lookup(List<String> ids, @Nullable String userId) {
		return Flux.create((sink) -> {
			AtomicBoolean cancelled = new AtomicBoolean();
			StreamObserver<NoteId> requests = keyed(userId).lookup(new ClientResponseObserver<NoteId, NoteReply>() {

				@Override
				public void beforeStart(ClientCallStreamObserver<NoteId> call) {
					// A subscriber that goes away ends the stream.
					sink.onCancel(() -> {
						cancelled.set(true);
						call.cancel("The caller went away", null);
					});
				}

				@Override
				public void onNext(NoteReply reply) {
					sink.next(reply);
				}

				@Override
				public void onError(Throwable error) {
					if (!cancelled.get()) {
						sink.error(error);
					}
				}

				@Override
				public void onCompleted() {
					sink.complete();
				}

			});
			try {
				ids.forEach((id) -> requests.onNext(NoteId.newBuilder().setId(id).build()));
				requests.onCompleted();
			}
			catch (RuntimeException ex) {
				// The subscriber went away while the ids were sent.
				if (!cancelled.get()) {
					throw ex;
				}
			}
		});
	}

	private NotesRpcGrpc.NotesRpcStub keyed(@Nullable String userId) {
		if (userId == null) {
			return this.stub;
		}
		Metadata headers = new Metadata();
		headers.put(USER, userId);
		return this.stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
	}

	private static <R, T> ClientResponseObserver<R, T> observer(MonoSink<T> sink) {
		AtomicBoolean cancelled = new AtomicBoolean();
		return new ClientResponseObserver<>() {

			@Override
			public void beforeStart(ClientCallStreamObserver<R> call) {
				// A subscriber that goes away cancels the call; its CANCELLED is not an
				// error.
				sink.onCancel(() -> {
					cancelled.set(true);
					call.cancel("The caller went away", null);
				});
			}

			@Override
			public void onNext(T value) {
				sink.success(value);
			}

			@Override
			public void onError(Throwable error) {
				if (!cancelled.get()) {
					sink.error(error);
				}
			}

			@Override
			public void onCompleted() {
				sink.success();
			}

		};
	}

}
