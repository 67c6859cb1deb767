package dev.phanes.config;

/**
 * What triggered a reload.
 */
public enum ConfigReloadSource {

	/**
	 * A change under a watched etcd prefix, or etcd answering again after an outage.
	 */
	ETCD,

	/**
	 * A change of a watched configuration file, or a reload asked for by the application.
	 */
	FILE

}
