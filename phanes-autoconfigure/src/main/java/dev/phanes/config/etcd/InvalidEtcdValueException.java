package dev.phanes.config.etcd;

import dev.phanes.config.InvalidConfigValueException;

/**
 * A value in etcd that cannot become properties: a document under a {@code .yml},
 * {@code .yaml} or {@code .properties} key that does not parse.
 */
public class InvalidEtcdValueException extends InvalidConfigValueException {

	private final String key;

	/**
	 * Create an exception.
	 * @param key the etcd key
	 * @param reason what is wrong with its value
	 * @param cause the parser's exception
	 */
	InvalidEtcdValueException(String key, String reason, Throwable cause) {
		super("etcd key " + key + " holds " + reason + "; fix the value in etcd", cause);
		this.key = key;
	}

	/**
	 * The etcd key whose value is invalid.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

}
