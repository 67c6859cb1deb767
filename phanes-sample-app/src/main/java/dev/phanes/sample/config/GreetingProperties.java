package dev.phanes.sample.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The greeting {@code /greeting} answers with. Phanes rebinds it without a restart when
 * its keys change in an imported file ({@code config/greeting.yml}) or, with the
 * {@code etcd} profile, under {@code /config/phanes-sample/} in etcd.
 */
@ConfigurationProperties("sample.greeting")
public class GreetingProperties {

	/**
	 * Text of the greeting.
	 */
	private String message = "Hello";

	/**
	 * Whether to shout the greeting (a feature flag).
	 */
	private boolean shout;

	public String getMessage() {
		return this.message;
	}

	public void setMessage(String message) {
		this.message = message;
	}

	public boolean isShout() {
		return this.shout;
	}

	public void setShout(boolean shout) {
		this.shout = shout;
	}

}
