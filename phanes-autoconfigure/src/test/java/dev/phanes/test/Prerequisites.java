package dev.phanes.test;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when the machine lacks something it needs (root, a command, a
 * registry): on a developer's machine it is skipped with the reason, on CI (environment
 * variable {@code CI} set to {@code true}) it fails, so that a badly set up build agent
 * cannot pass by skipping.
 */
public final class Prerequisites {

	private Prerequisites() {
	}

	/**
	 * Go on only if a prerequisite is met; otherwise skip the test, or fail it on CI.
	 * @param met whether the prerequisite is met
	 * @param reason what is missing, for the report
	 */
	public static void require(boolean met, String reason) {
		if (met) {
			return;
		}
		if (isCi()) {
			Assertions.fail("Prerequisite missing on CI (CI=true): " + reason);
		}
		Assumptions.abort("Prerequisite missing: " + reason + " (set CI=true to fail instead of skipping)");
	}

	/**
	 * Return whether the tests run on CI, where missing prerequisites fail tests.
	 * @return whether the environment variable {@code CI} is {@code true}
	 */
	public static boolean isCi() {
		return "true".equals(System.getenv("CI"));
	}

}
