package dev.phanes.cli;

import org.jspecify.annotations.Nullable;

/**
 * A failure the {@code phanes} command reports to its user: the message says what went
 * wrong and what to do, and is printed on standard error without a stack trace.
 */
class CliException extends RuntimeException {

	/**
	 * Exit code of a command that could not do what it was asked.
	 */
	static final int FAILED = 1;

	private final int exitCode;

	/**
	 * Create an exception with exit code {@value #FAILED}.
	 * @param message what went wrong and what to do
	 */
	CliException(String message) {
		this(message, FAILED, null);
	}

	/**
	 * Create an exception.
	 * @param message what went wrong and what to do
	 * @param exitCode the exit code of the command
	 * @param cause the cause, or {@code null}
	 */
	CliException(String message, int exitCode, @Nullable Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	/**
	 * Return the exit code of the command.
	 * @return the exit code
	 */
	int exitCode() {
		return this.exitCode;
	}

}
