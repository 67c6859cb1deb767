package dev.phanes.sample.server;

import dev.phanes.sample.bll.NotesSummarizer;
import dev.phanes.sync.FencedLeaderContext;
import dev.phanes.sync.FencedLockRegistry;
import dev.phanes.sync.LeaderElections;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows who runs the periodic summary job: the leader of its election, whether it is this
 * instance, and the last summary written.
 */
@RestController
class SummaryController {

	private final NotesSummarizer summarizer;

	private final LeaderElections elections;

	private final FencedLockRegistry locks;

	SummaryController(NotesSummarizer summarizer, LeaderElections elections, FencedLockRegistry locks) {
		this.summarizer = summarizer;
		this.elections = elections;
		this.locks = locks;
	}

	@GetMapping("/summary")
	Mono<SummaryStatus> summary() {
		// the backend is asked who leads, and the store read: both may block
		return Mono.fromCallable(() -> {
			FencedLeaderContext leadership = this.elections.leadership(NotesSummarizer.ROLE).orElse(null);
			return new SummaryStatus(NotesSummarizer.ROLE, this.locks.holderId(),
					this.elections.leader(NotesSummarizer.ROLE).orElse(null), leadership != null,
					(leadership != null) ? leadership.fencingToken() : null, this.summarizer.runs(),
					this.summarizer.refused(), this.summarizer.latest().orElse(null));
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * What {@code /summary} answers.
	 *
	 * @param role the election
	 * @param instance this instance's holder id
	 * @param leader the holder id of the leader, or {@code null} while nobody leads
	 * @param leading whether this instance leads
	 * @param fencingToken the token of this instance's leadership, or {@code null}
	 * @param runs summaries this instance wrote
	 * @param refused summaries of this instance the store refused as stale
	 * @param latest the last summary written, or {@code null}
	 */
	record SummaryStatus(String role, String instance, @Nullable String leader, boolean leading,
			@Nullable Long fencingToken, long runs, long refused, NotesSummarizer.@Nullable Summary latest) {

	}

}
