package dev.phanes.sample.bll;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import dev.phanes.sample.store.NoteRepository;
import dev.phanes.store.JsonStore;
import dev.phanes.store.Query;
import dev.phanes.store.StaleFencingTokenException;
import dev.phanes.store.WriteOptions;
import dev.phanes.sync.FencedLeaderContext;
import dev.phanes.sync.LeaderElections;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * A periodic job that one instance at a time runs: the leader of the {@value #ROLE}
 * election counts the notes and writes the summary, fenced by its leadership's token so
 * that an instance that lost the leadership (paused past its lease) cannot overwrite its
 * successor's summary.
 */
@Service
public class NotesSummarizer {

	/**
	 * The role whose leader runs the job ({@code phanes.sync.leader.roles}).
	 */
	public static final String ROLE = "notes-summary";

	/**
	 * Table of the store holding the summary.
	 */
	public static final String TABLE = "summaries";

	/**
	 * Key of the summary.
	 */
	public static final String KEY = "notes";

	private static final Log logger = LogFactory.getLog(NotesSummarizer.class);

	private final LeaderElections elections;

	private final JsonStore notes;

	private final JsonStore summaries;

	private final AtomicLong runs = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	/**
	 * Create the job.
	 * @param elections the leader elections Phanes runs
	 * @param store the application's store
	 */
	public NotesSummarizer(LeaderElections elections, JsonStore store) {
		this.elections = elections;
		this.notes = store.table(NoteRepository.TABLE);
		this.summaries = store.table(TABLE);
	}

	/**
	 * Summarise the notes if this instance leads; otherwise do nothing.
	 */
	@Scheduled(fixedDelayString = "${sample.summary.interval:5s}", initialDelayString = "${sample.summary.interval:5s}")
	public void summarizeIfLeader() {
		this.elections.leadership(ROLE).ifPresent(this::summarize);
	}

	private void summarize(FencedLeaderContext leadership) {
		Summary summary = new Summary(this.notes.list(Query.all()).size(), Instant.now(Clock.systemUTC()),
				this.elections.leader(ROLE).orElse("?"), leadership.fencingToken());
		try {
			this.summaries.write(KEY, summary, WriteOptions.fenced(leadership.lockName(), leadership.fencingToken()));
			this.runs.incrementAndGet();
		}
		catch (StaleFencingTokenException ex) {
			this.refused.incrementAndGet();
			logger.warn("Summary not written: " + ex.getMessage());
		}
	}

	/**
	 * Return the last summary written, by whichever instance led then.
	 * @return the summary, or empty before the first one
	 */
	public Optional<Summary> latest() {
		return this.summaries.read(KEY, Summary.class);
	}

	/**
	 * Return how many summaries this instance wrote.
	 * @return the count
	 */
	public long runs() {
		return this.runs.get();
	}

	/**
	 * Return how many summaries of this instance the store refused as stale.
	 * @return the count
	 */
	public long refused() {
		return this.refused.get();
	}

	/**
	 * A summary of the notes.
	 *
	 * @param notes how many notes there were
	 * @param at when they were counted
	 * @param writtenBy the holder id of the leader that counted them
	 * @param fencingToken the token of its leadership
	 */
	public record Summary(int notes, Instant at, String writtenBy, long fencingToken) {

	}

}
