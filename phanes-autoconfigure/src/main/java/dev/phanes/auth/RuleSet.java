package dev.phanes.auth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * An immutable, validated and compiled list of {@link AuthRule}s, evaluated in order:
 * priority descending, then {@link Access#DENY} before {@link Access#GRANT}, then id. The
 * first rule that matches a request decides it; a request no rule matches is denied.
 * <p>
 * Thread-safe: compile once, then call {@link #decide(AuthRequest)} from any thread.
 */
public final class RuleSet {

	/**
	 * The most rules a set may hold.
	 */
	public static final int MAX_RULES = 10_000;

	/**
	 * The longest rule id allowed.
	 */
	public static final int MAX_ID_LENGTH = 100;

	private static final String PREFIX = "phanes.auth.rules";

	private static final String PUBLIC_SCOPE = "public";

	private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._*-]+");

	private static final Pattern METHOD = Pattern.compile("\\*|[A-Za-z]+");

	private static final Comparator<AuthRule> ORDER = Comparator.comparingInt(AuthRule::getPriority)
		.reversed()
		.thenComparing((rule) -> rule.getAccess() != Access.DENY)
		.thenComparing(AuthRule::getId);

	private static final RuleSet EMPTY = new RuleSet(List.of());

	private final List<CompiledRule> rules;

	private RuleSet(List<CompiledRule> rules) {
		this.rules = rules;
	}

	/**
	 * Return a set without rules, which denies every request.
	 * @return the empty set
	 */
	public static RuleSet empty() {
		return EMPTY;
	}

	/**
	 * Validate and compile rules. The rules are copied: changing them afterwards does not
	 * change the set.
	 * @param rules the rules, in any order
	 * @return the compiled set
	 * @throws InvalidRulesException listing every problem found in the rules
	 */
	public static RuleSet compile(List<AuthRule> rules) {
		List<String> problems = new ArrayList<>();
		if (rules.size() > MAX_RULES) {
			problems.add(PREFIX + ": " + rules.size() + " rules exceed the limit of " + MAX_RULES
					+ "; merge rules using wildcards");
		}
		Map<String, Integer> indexById = new HashMap<>();
		List<AuthRule> copies = new ArrayList<>(rules.size());
		for (int i = 0; i < rules.size(); i++) {
			AuthRule rule = rules.get(i);
			if (rule == null) {
				problems.add(PREFIX + "[" + i + "]: must not be null");
				continue;
			}
			AuthRule copy = rule.copy();
			validate(copy, i, indexById, problems);
			copies.add(copy);
		}
		if (!problems.isEmpty()) {
			throw new InvalidRulesException(problems);
		}
		copies.sort(ORDER);
		return new RuleSet(copies.stream().map(CompiledRule::new).toList());
	}

	private static void validate(AuthRule rule, int index, Map<String, Integer> indexById, List<String> problems) {
		String id = rule.getId();
		String idProblem = idProblem(id);
		String at = PREFIX + "[" + index + "]" + ((idProblem != null) ? "" : " (id '" + id + "')") + ".";
		if (idProblem != null) {
			problems.add(at + "id: " + idProblem);
		}
		else {
			Integer first = indexById.putIfAbsent(id, index);
			if (first != null) {
				problems.add(at + "id: duplicate of " + PREFIX + "[" + first + "]; ids must be unique");
			}
		}
		if (rule.getAccess() == null) {
			problems.add(at + "access: must be set to 'grant' or 'deny'");
		}
		nameProblem(at + "service", rule.getService(), false, problems);
		nameProblem(at + "caller", rule.getCaller(), true, problems);
		String method = rule.getMethod();
		if (method == null || !METHOD.matcher(method).matches()) {
			problems.add(at + "method: '" + method + "' must be '*' or an HTTP method such as GET");
		}
		String path = rule.getPath();
		if (path == null || !path.startsWith("/")) {
			problems.add(at + "path: '" + path + "' must start with '/'");
		}
		else {
			try {
				PathPatternParser.defaultInstance.parse(path);
			}
			catch (PatternParseException ex) {
				problems.add(at + "path: invalid pattern '" + path + "': " + ex.getMessage());
			}
		}
		String scope = rule.getScope();
		if (scope != null && (scope.isBlank() || !scope.strip().equals(scope))) {
			problems.add(at + "scope: '" + scope + "' must not be blank or padded with whitespace; "
					+ "remove it to match any authenticated caller");
		}
	}

	private static @Nullable String idProblem(@Nullable String id) {
		if (id == null || id.isBlank()) {
			return "must be set";
		}
		if (id.length() > MAX_ID_LENGTH) {
			return "must be at most " + MAX_ID_LENGTH + " characters, got " + id.length();
		}
		if (id.chars().anyMatch(Character::isISOControl)) {
			return "must not contain control characters";
		}
		return null;
	}

	private static void nameProblem(String field, @Nullable String pattern, boolean optional, List<String> problems) {
		if (pattern == null && optional) {
			return;
		}
		if (pattern == null || pattern.isBlank()) {
			problems.add(field + ": must not be blank" + (optional ? "; remove it to match any caller" : ""));
		}
		else if (!NAME_PATTERN.matcher(pattern).matches()) {
			problems.add(field + ": '" + pattern + "' may only contain letters, digits, '.', '_', '-' and '*'");
		}
	}

	/**
	 * Decide a request: the first rule that matches it decides; if none does, it is
	 * denied.
	 * @param request the request
	 * @return the decision, naming the rule that made it
	 */
	public Decision decide(AuthRequest request) {
		PathContainer path = null;
		for (CompiledRule rule : this.rules) {
			if (rule.matchesWithoutPath(request)) {
				if (rule.path != null) {
					if (path == null) {
						path = PathContainer.parsePath(request.path());
					}
					if (!rule.path.matches(path)) {
						continue;
					}
				}
				return rule.decision;
			}
		}
		return Decision.deniedByDefault();
	}

	/**
	 * Return copies of the rules in evaluation order, for display.
	 * @return the rules
	 */
	public List<AuthRule> rules() {
		return this.rules.stream().map((rule) -> rule.source.copy()).toList();
	}

	/**
	 * Return the number of rules.
	 * @return the size
	 */
	public int size() {
		return this.rules.size();
	}

	@Override
	public String toString() {
		return "RuleSet{" + this.rules.size() + " rules}";
	}

	/**
	 * A rule with its patterns parsed and its decision made in advance.
	 */
	private static final class CompiledRule {

		private final AuthRule source;

		private final Glob service;

		private final @Nullable String method;

		private final @Nullable PathPattern path;

		private final @Nullable Glob caller;

		private final @Nullable String scope;

		private final boolean publicScope;

		private final Decision decision;

		CompiledRule(AuthRule rule) {
			this.source = rule;
			this.service = new Glob(rule.getService());
			this.method = "*".equals(rule.getMethod()) ? null : rule.getMethod();
			this.path = "/**".equals(rule.getPath()) ? null : PathPatternParser.defaultInstance.parse(rule.getPath());
			this.caller = (rule.getCaller() != null) ? new Glob(rule.getCaller()) : null;
			this.publicScope = PUBLIC_SCOPE.equals(rule.getScope());
			this.scope = (this.publicScope || "*".equals(rule.getScope())) ? null : rule.getScope();
			this.decision = Decision.of(rule.getAccess(), rule.getId());
		}

		boolean matchesWithoutPath(AuthRequest request) {
			if (!this.publicScope || this.caller != null) {
				if (!request.authenticated()) {
					return false;
				}
				if (this.scope != null && !request.scopes().contains(this.scope)) {
					return false;
				}
				if (this.caller != null && (request.caller() == null || !this.caller.matches(request.caller()))) {
					return false;
				}
			}
			return (this.method == null || this.method.equalsIgnoreCase(request.method())
					|| ("HEAD".equalsIgnoreCase(request.method()) && "GET".equalsIgnoreCase(this.method)))
					&& this.service.matches(request.service());
		}

	}

	/**
	 * A name pattern where {@code *} matches any run of characters, matched without
	 * regular expressions: the literal parts between the stars are found in turn.
	 */
	private static final class Glob {

		private final boolean any;

		private final @Nullable String exact;

		private final String[] parts;

		private final int minLength;

		Glob(String pattern) {
			this.any = pattern.chars().allMatch((c) -> c == '*');
			this.exact = (pattern.indexOf('*') < 0) ? pattern : null;
			this.parts = pattern.split("\\*", -1);
			this.minLength = pattern.length() - (this.parts.length - 1);
		}

		boolean matches(String name) {
			if (this.any) {
				return true;
			}
			if (this.exact != null) {
				return this.exact.equals(name);
			}
			if (name.length() < this.minLength) {
				return false;
			}
			String first = this.parts[0];
			String last = this.parts[this.parts.length - 1];
			if (!name.startsWith(first) || !name.endsWith(last)) {
				return false;
			}
			int from = first.length();
			int end = name.length() - last.length();
			for (int i = 1; i < this.parts.length - 1; i++) {
				String part = this.parts[i];
				int at = name.indexOf(part, from);
				if (at < 0 || at + part.length() > end) {
					return false;
				}
				from = at + part.length();
			}
			return true;
		}

	}

}
