package dev.phanes.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Sync block: distributed locks and leader election.
 */
@ConfigurationProperties("phanes.sync")
public class SyncProperties {

	/**
	 * Whether to enable the Sync block.
	 */
	private boolean enabled = true;

	/**
	 * Backend of the locks: memory (this process only), jdbc (the application's
	 * DataSource) or etcd.
	 */
	private Type type = Type.MEMORY;

	/**
	 * Time a lock outlives a holder that stops keeping it alive (its process paused,
	 * killed or cut off), unless a call gives its own. Held locks are kept alive while
	 * their process runs.
	 */
	private Duration ttl = Duration.ofSeconds(10);

	private final Leader leader = new Leader();

	private final Jdbc jdbc = new Jdbc();

	private final Etcd etcd = new Etcd();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Leader getLeader() {
		return this.leader;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	public Etcd getEtcd() {
		return this.etcd;
	}

	/**
	 * Backends of the locks.
	 */
	public enum Type {

		/**
		 * Locks in this process's memory.
		 */
		MEMORY,

		/**
		 * Locks in the application's database, through Spring Integration's JDBC lock
		 * table.
		 */
		JDBC,

		/**
		 * Locks in etcd, under a lease kept alive by this process.
		 */
		ETCD

	}

	/**
	 * Settings of leader election.
	 */
	public static class Leader {

		/**
		 * Roles this application takes part in the election of, besides those of its
		 * Candidate beans.
		 */
		private List<String> roles = new ArrayList<>();

		/**
		 * Time between checks that the leader still holds its lock (and between attempts
		 * of the others to take it). Shorter than the TTL.
		 */
		private Duration heartbeat = Duration.ofMillis(500);

		/**
		 * Time to wait before trying again after leadership was lost or yielded.
		 */
		private Duration busyWait = Duration.ofMillis(50);

		/**
		 * Whether to take part in the elections when the application starts.
		 */
		private boolean autoStartup = true;

		public List<String> getRoles() {
			return this.roles;
		}

		public void setRoles(List<String> roles) {
			this.roles = roles;
		}

		public Duration getHeartbeat() {
			return this.heartbeat;
		}

		public void setHeartbeat(Duration heartbeat) {
			this.heartbeat = heartbeat;
		}

		public Duration getBusyWait() {
			return this.busyWait;
		}

		public void setBusyWait(Duration busyWait) {
			this.busyWait = busyWait;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

	}

	/**
	 * Settings of locks in a database ({@code phanes.sync.type=jdbc}).
	 */
	public static class Jdbc {

		/**
		 * Prefix of the lock tables: Spring Integration's {prefix}LOCK and Phanes'
		 * {prefix}LOCK_TOKEN.
		 */
		private String tablePrefix = "INT_";

		/**
		 * Region of the locks, which keeps apart applications sharing the tables.
		 */
		private String region = "DEFAULT";

		/**
		 * Whether to create the lock tables at start-up when they are missing.
		 */
		private boolean initializeSchema = true;

		/**
		 * Time between attempts to take a lock held by another process.
		 */
		private Duration idleBetweenTries = Duration.ofMillis(100);

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public String getRegion() {
			return this.region;
		}

		public void setRegion(String region) {
			this.region = region;
		}

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public Duration getIdleBetweenTries() {
			return this.idleBetweenTries;
		}

		public void setIdleBetweenTries(Duration idleBetweenTries) {
			this.idleBetweenTries = idleBetweenTries;
		}

	}

	/**
	 * Settings of locks in etcd ({@code phanes.sync.type=etcd}).
	 */
	public static class Etcd {

		/**
		 * Endpoints of the etcd cluster. Defaults to phanes.config.etcd.endpoints when
		 * those are set, else http://127.0.0.1:2379.
		 */
		private List<String> endpoints = new ArrayList<>();

		/**
		 * Key prefix of the locks.
		 */
		private String prefix = "/phanes/sync/locks/";

		/**
		 * Key prefix of the records that map each lease to the holder id of its process;
		 * neither prefix may start with the other.
		 */
		private String holdersPrefix = "/phanes/sync/holders/";

		/**
		 * Time to wait for a connection to etcd.
		 */
		private Duration connectTimeout = Duration.ofSeconds(5);

		/**
		 * Time to wait for an answer to a request other than a lock's wait.
		 */
		private Duration requestTimeout = Duration.ofSeconds(5);

		/**
		 * User name for etcd authentication.
		 */
		private @Nullable String user;

		/**
		 * Password for etcd authentication.
		 */
		private @Nullable String password;

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

		public String getHoldersPrefix() {
			return this.holdersPrefix;
		}

		public void setHoldersPrefix(String holdersPrefix) {
			this.holdersPrefix = holdersPrefix;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public @Nullable String getUser() {
			return this.user;
		}

		public void setUser(@Nullable String user) {
			this.user = user;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

}
