package dev.phanes.sample.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import reactor.core.Disposable;
import reactor.core.Disposables;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.phanes.sample.bll.InvalidNoteException;
import dev.phanes.sample.bll.NoteNotFoundException;
import dev.phanes.sample.bll.NoteService;
import dev.phanes.sample.model.InstanceInfo;
import dev.phanes.sample.model.Note;
import dev.phanes.sample.rpc.InstanceReply;
import dev.phanes.sample.rpc.InstanceRequest;
import dev.phanes.sample.rpc.NoteId;
import dev.phanes.sample.rpc.NoteReply;
import dev.phanes.sample.rpc.NotesRpcGrpc;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.stereotype.Service;

/**
 * The notes over gRPC, served by Spring gRPC on {@code spring.grpc.server.port}; Phanes
 * publishes that port in this instance's discovery registration, so peers call it as
 * {@code discovery:///phanes-sample}. Reads go to the same {@link NoteService} as the
 * HTTP API.
 */
@Service
class NotesGrpcService extends NotesRpcGrpc.NotesRpcImplBase {

	private final NoteService notes;

	private final Registration registration;

	NotesGrpcService(NoteService notes, Registration registration) {
		this.notes = notes;
		this.registration = registration;
	}

	@Override
	public void get(NoteId request, StreamObserver<NoteReply> responses) {
		Disposable.Swap read = Disposables.swap();
		// A caller that goes away stops the read.
		((ServerCallStreamObserver<NoteReply>) responses).setOnCancelHandler(read::dispose);
		read.update(this.notes.get(request.getId()).map(this::reply).subscribe((reply) -> {
			responses.onNext(reply);
			responses.onCompleted();
		}, (error) -> responses.onError(status(error, request.getId()).asException())));
	}

	@Override
	public void instance(InstanceRequest request, StreamObserver<InstanceReply> responses) {
		InstanceInfo instance = InstanceInfo.of(this.registration);
		responses.onNext(InstanceReply.newBuilder()
			.setServiceId(instance.serviceId())
			.setInstanceId(instance.instanceId())
			.build());
		responses.onCompleted();
	}

	@Override
	public StreamObserver<NoteId> lookup(StreamObserver<NoteReply> responses) {
		// Each id is looked up in turn, so the answers keep the order of the questions.
		Sinks.Many<String> ids = Sinks.many().unicast().onBackpressureBuffer();
		Disposable.Swap answers = Disposables.swap();
		// A caller that goes away, even after it sent its last id, stops the lookups.
		((ServerCallStreamObserver<NoteReply>) responses).setOnCancelHandler(answers::dispose);
		answers.update(ids.asFlux()
			.concatMap((id) -> this.notes.get(id)
				.map(this::reply)
				.onErrorResume(NoteNotFoundException.class, (ex) -> Mono.just(notFound(id))))
			.subscribe(responses::onNext, (error) -> responses.onError(status(error, null).asException()),
					responses::onCompleted));
		return new StreamObserver<>() {

			@Override
			public void onNext(NoteId id) {
				ids.emitNext(id.getId(), Sinks.EmitFailureHandler.FAIL_FAST);
			}

			@Override
			public void onError(Throwable error) {
				answers.dispose();
			}

			@Override
			public void onCompleted() {
				ids.emitComplete(Sinks.EmitFailureHandler.FAIL_FAST);
			}

		};
	}

	/**
	 * The status of a failed read: the note's absence and a bad id are the caller's, any
	 * other failure is this instance's (and counts against it in the caller's outlier
	 * ejection).
	 */
	private static Status status(Throwable error, @Nullable String id) {
		if (error instanceof NoteNotFoundException) {
			return Status.NOT_FOUND.withDescription("No note " + id);
		}
		if (error instanceof InvalidNoteException) {
			return Status.INVALID_ARGUMENT.withDescription(error.getMessage());
		}
		return Status.INTERNAL.withDescription("Reading the note failed");
	}

	private NoteReply reply(Note note) {
		return NoteReply.newBuilder()
			.setId(note.id())
			.setFound(true)
			.setTitle(note.title())
			.setBody(note.body())
			.setVersion(note.version())
			.setInstanceId(InstanceInfo.of(this.registration).instanceId())
			.build();
	}

	private NoteReply notFound(String id) {
		return NoteReply.newBuilder()
			.setId(id)
			.setFound(false)
			.setInstanceId(InstanceInfo.of(this.registration).instanceId())
			.build();
	}

}
