package dev.phanes.test.sync;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.phanes.store.StaleFencingTokenException;
import dev.phanes.store.Store;
import dev.phanes.store.StoreRecord;
import dev.phanes.store.WriteOptions;
import dev.phanes.sync.FencedLeaderContext;
import dev.phanes.sync.FencedLock;
import dev.phanes.sync.FencedLockRegistry;
import dev.phanes.sync.LeaderElections;
import dev.phanes.sync.LockLostEvent;
import dev.phanes.sync.LockLostException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/**
 * A process of the Sync tests: a Spring Boot application with Phanes' locks and store,
 * driven by commands on its standard input, answering one {@code SYNC ...} line per
 * command. Locks are held by its main thread. Commands:
 * <ul>
 * <li>{@code lock <name> <waitMillis>} → {@code SYNC LOCKED <name> <token>} or
 * {@code SYNC TIMEOUT <name>}</li>
 * <li>{@code read <key>} → {@code SYNC VALUE <key> <value>}</li>
 * <li>{@code held <name>} → {@code SYNC HELD <name> true|false}</li>
 * <li>{@code write <name> <key> <value>}: a store write fenced by the token this process
 * got when it took the lock, whether it still holds it or not → {@code SYNC WROTE <key>},
 * {@code SYNC STALE <key> <highest>}</li>
 * <li>{@code unlock <name>} → {@code SYNC UNLOCKED <name>} or
 * {@code SYNC LOST <name>}</li>
 * <li>{@code count <name> <times> <file>}: add one to the number in a file, under the
 * lock, that many times → {@code SYNC COUNTED <name>}</li>
 * <li>{@code lead-write <role> <key> <value>}: a store write fenced by this process's
 * leadership of a role → {@code SYNC WROTE}, {@code SYNC STALE} or
 * {@code SYNC NOT-LEADER <role>}</li>
 * <li>{@code granted-write <role> <key> <value>}: a store write fenced by the last
 * leadership of a role this process was granted, whether it still leads or not (a leader
 * that decided to write, then paused) → {@code SYNC WROTE}, {@code SYNC STALE} or
 * {@code SYNC NOT-LEADER <role>} if it never led</li>
 * </ul>
 * Leader events print {@code SYNC GRANTED <role> <token>} and
 * {@code SYNC REVOKED <role>}; a lost lock {@code SYNC LOCK-LOST <name> <reason>}. In a
 * package of its own, so that scanning finds nothing of Phanes.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class SyncChild {

	private final Map<String, Long> tokens = new ConcurrentHashMap<>();

	private final Map<String, FencedLeaderContext> grantedLeaderships = new ConcurrentHashMap<>();

	/**
	 * Run the process.
	 * @param args Spring Boot arguments: the backends' properties
	 * @throws IOException if standard input fails
	 */
	public static void main(String[] args) throws IOException {
		SpringApplication application = new SpringApplication(SyncChild.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		ConfigurableApplicationContext context = application.run(args);
		SyncChild child = context.getBean(SyncChild.class);
		say("READY " + context.getBean(FencedLockRegistry.class).holderId());
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = input.readLine()) != null) {
			try {
				child.run(context, line.trim().split(" "));
			}
			catch (Exception ex) {
				say("ERROR " + ex);
			}
		}
		context.close();
	}

	private void run(ConfigurableApplicationContext context, String[] command) throws Exception {
		FencedLockRegistry locks = context.getBean(FencedLockRegistry.class);
		Store store = context.getBean(Store.class);
		switch (command[0]) {
			case "lock" -> {
				FencedLock lock = locks.obtain(command[1]);
				if (lock.tryLock(Long.parseLong(command[2]), TimeUnit.MILLISECONDS)) {
					this.tokens.put(command[1], lock.fencingToken());
					say("LOCKED " + command[1] + " " + lock.fencingToken());
				}
				else {
					say("TIMEOUT " + command[1]);
				}
			}
			case "read" -> say("VALUE " + command[1] + " "
					+ store.read(command[1]).map(StoreRecord::valueAsString).orElse("<none>"));
			case "held" -> say("HELD " + command[1] + " " + locks.obtain(command[1]).isHeld());
			case "write" -> write(store, command[2], command[3], command[1], this.tokens.get(command[1]));
			case "unlock" -> {
				try {
					locks.obtain(command[1]).unlock();
					say("UNLOCKED " + command[1]);
				}
				catch (LockLostException ex) {
					say("LOST " + command[1]);
				}
			}
			case "count" -> {
				FencedLock lock = locks.obtain(command[1]);
				Path file = Path.of(command[3]);
				for (int i = 0; i < Integer.parseInt(command[2]); i++) {
					lock.lock();
					try {
						long read = Long.parseLong(Files.readString(file).trim());
						Files.writeString(file, Long.toString(read + 1));
					}
					finally {
						lock.unlock();
					}
				}
				say("COUNTED " + command[1]);
			}
			case "lead-write" -> {
				FencedLeaderContext leadership = context.getBean(LeaderElections.class)
					.leadership(command[1])
					.orElse(null);
				if (leadership == null) {
					say("NOT-LEADER " + command[1]);
				}
				else {
					write(store, command[2], command[3], leadership.lockName(), leadership.fencingToken());
				}
			}
			case "granted-write" -> {
				FencedLeaderContext granted = this.grantedLeaderships.get(command[1]);
				if (granted == null) {
					say("NOT-LEADER " + command[1]);
				}
				else {
					write(store, command[2], command[3], granted.lockName(), granted.fencingToken());
				}
			}
			default -> say("ERROR unknown command " + command[0]);
		}
	}

	private static void write(Store store, String key, String value, String lockName, Long token) {
		try {
			store.write(StoreRecord.of(key, value), WriteOptions.fenced(lockName, token));
			say("WROTE " + key + " " + token);
		}
		catch (StaleFencingTokenException ex) {
			say("STALE " + key + " " + ex.getHighestToken());
		}
	}

	@EventListener
	void granted(OnGrantedEvent event) {
		FencedLeaderContext leadership = (FencedLeaderContext) event.getContext();
		this.grantedLeaderships.put(leadership.getRole(), leadership);
		say("GRANTED " + event.getRole() + " " + leadership.fencingToken());
	}

	@EventListener
	void revoked(OnRevokedEvent event) {
		say("REVOKED " + event.getRole());
	}

	@EventListener
	void lost(LockLostEvent event) {
		say("LOCK-LOST " + event.getName() + " " + event.getReason());
	}

	static synchronized void say(String line) {
		System.out.println("SYNC " + line);
		System.out.flush();
	}

}
