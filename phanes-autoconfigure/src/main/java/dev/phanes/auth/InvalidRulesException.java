package dev.phanes.auth;

import java.util.List;

/**
 * Thrown by {@link RuleSet#compile(java.util.List)} when the rules are not valid. Lists
 * every problem at once, each naming the rule by its index and id and the field, so they
 * can all be fixed in one go.
 */
public class InvalidRulesException extends IllegalArgumentException {

	private final List<String> problems;

	/**
	 * Create an exception.
	 * @param problems what is wrong, one entry per problem
	 */
	public InvalidRulesException(List<String> problems) {
		super(message(problems));
		this.problems = List.copyOf(problems);
	}

	private static String message(List<String> problems) {
		return "Invalid auth rules, fix " + ((problems.size() == 1) ? "this problem" : problems.size() + " problems")
				+ ":\n\t" + String.join("\n\t", problems);
	}

	/**
	 * What is wrong with the rules, in the order found.
	 * @return the problems, never empty
	 */
	public List<String> problems() {
		return this.problems;
	}

}
