package dev.phanes.auth;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.util.UriUtils;

/**
 * Decides one incoming request, for the servlet and the reactive filter alike: refuses a
 * path that could be read two ways (400), verifies the bearer token if there is one (401
 * when it is refused), then lets the rules decide — an anonymous request that the rules
 * do not let through is a 401, an authenticated one a 403.
 */
public final class Authorizer {

	private static final Log logger = LogFactory.getLog(Authorizer.class);

	/**
	 * The order of the servlet and the reactive filter: after Boot's server observation
	 * filter, so that refused requests are traced and measured, and before Spring
	 * Security's filter chain.
	 */
	public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	private final IncomingTokens tokens;

	private final RuleSource rules;

	private final String service;

	private final AuthObserver observer;

	private final AuthTargets targets;

	/**
	 * Create the authorizer of an application that serves only itself.
	 * @param tokens verifies tokens
	 * @param rules the rules in force
	 * @param service this service's name
	 * @param observer told each decision
	 */
	public Authorizer(IncomingTokens tokens, RuleSource rules, String service, AuthObserver observer) {
		this(tokens, rules, service, observer, AuthTargets.SELF);
	}

	/**
	 * Create the authorizer of an edge that decides requests for other services as those
	 * services would.
	 * @param tokens verifies tokens
	 * @param rules the rules in force
	 * @param service this service's name
	 * @param observer told each decision
	 * @param targets which service a request is for
	 */
	public Authorizer(IncomingTokens tokens, RuleSource rules, String service, AuthObserver observer,
			AuthTargets targets) {
		this.tokens = tokens;
		this.rules = rules;
		this.service = service;
		this.observer = observer;
		this.targets = targets;
	}

	/**
	 * Decide a request.
	 * @param method the HTTP method
	 * @param rawPath the path as sent, still encoded, without the query
	 * @param authorization the values of the {@code Authorization} header
	 * @return the outcome
	 */
	public Outcome authorize(String method, String rawPath, List<String> authorization) {
		String hostile = hostilePath(rawPath);
		if (hostile != null) {
			this.observer.decided("rejected-path", null);
			return new Outcome(400, null, null, "The request path " + hostile + ".");
		}
		// a path that passed reads one way only: decoded, it is what the application
		// serves (or, at an edge, what the service it goes to serves)
		AuthTargets.Target target = this.targets.target(rawPath);
		String service = (target != null) ? target.service() : this.service;
		String path = UriUtils.decode((target != null) ? target.rawPath() : rawPath, StandardCharsets.UTF_8);
		AuthPrincipal principal = null;
		if (!authorization.isEmpty()) {
			if (authorization.size() > 1) {
				return unauthenticated("more than one Authorization header");
			}
			String value = authorization.get(0);
			if (value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
				return unauthenticated("the Authorization header is not a bearer token");
			}
			try {
				principal = this.tokens.verify(value.substring(7).trim());
			}
			catch (InvalidTokenException ex) {
				return unauthenticated("invalid token: " + ex.getMessage());
			}
			catch (RuntimeException ex) {
				// a verifier failing unexpectedly refuses the token (never a 500); the
				// log names the failure, not the token
				logger.warn("Token verification failed unexpectedly: " + ex.getClass().getName());
				return unauthenticated("invalid token");
			}
		}
		AuthRequest request = new AuthRequest(service, method.toUpperCase(Locale.ROOT), path,
				(principal != null) ? principal.service() : null, (principal != null) ? principal.scopes() : Set.of(),
				principal != null);
		Decision decision = this.rules.rules().decide(request);
		if (decision.allowed()) {
			this.observer.decided("allowed", decision.ruleId());
			return new Outcome(200, principal, decision, decision.reason());
		}
		if (principal == null) {
			this.observer.decided("unauthenticated", decision.ruleId());
			return new Outcome(401, null, decision, "A bearer token is required.");
		}
		this.observer.decided("denied", decision.ruleId());
		return new Outcome(403, principal, decision, "Access " + decision.reason() + ".");
	}

	private Outcome unauthenticated(String reason) {
		this.observer.decided("unauthenticated", null);
		return new Outcome(401, null, null, "Authentication failed: " + reason + ".");
	}

	/**
	 * Tell why a raw path is refused, as Spring Security's strict firewall would: encoded
	 * slashes, backslashes and dots, path parameters, dot segments, empty segments and
	 * control characters mean that what the rules see and what the application serves
	 * could differ.
	 * @param rawPath the path as sent
	 * @return why it is refused, or {@code null} if it is not
	 */
	public static @Nullable String hostilePath(String rawPath) {
		if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
			return "does not start with /";
		}
		String lower = rawPath.toLowerCase(Locale.ROOT);
		for (String encoded : List.of("%2f", "%5c", "%2e", "%25", "%00", "%3b")) {
			if (lower.contains(encoded)) {
				return "contains an encoded slash, backslash, dot, percent sign, NUL or semicolon";
			}
		}
		if (rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0) {
			return "contains a semicolon or a backslash";
		}
		if (rawPath.contains("//")) {
			return "contains an empty segment";
		}
		for (String segment : rawPath.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return "contains a dot segment";
			}
		}
		for (int i = 0; i < rawPath.length(); i++) {
			if (Character.isISOControl(rawPath.charAt(i))) {
				return "contains a control character";
			}
		}
		return null;
	}

	/**
	 * The outcome of a request.
	 *
	 * @param status 200 to go on, else the status to answer with
	 * @param principal who made it, if a token was accepted
	 * @param decision what the rules decided, if they were asked
	 * @param detail a sentence for the problem detail, never quoting the token
	 */
	public record Outcome(int status, @Nullable AuthPrincipal principal, @Nullable Decision decision, String detail) {

		/**
		 * Return whether the request goes on.
		 * @return whether it does
		 */
		public boolean allowed() {
			return this.status == 200;
		}

	}

}
