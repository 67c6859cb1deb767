package dev.phanes.auth;

import org.jspecify.annotations.Nullable;

/**
 * One access rule, bound from {@code phanes.auth.rules[n]}: which calls it matches
 * (service, method, path), who it applies to (caller, scope) and whether it grants or
 * denies them. A rule with neither caller nor scope applies to any authenticated caller;
 * a rule with both requires both.
 * <p>
 * A mutable bean for the {@code Binder}; {@link RuleSet#compile(java.util.List)}
 * validates rules and takes its own copies. Not thread-safe.
 */
public final class AuthRule {

	/**
	 * Id of the rule, unique within the set; named in decisions and logs.
	 */
	private @Nullable String id;

	/**
	 * Name of the service called, where '*' matches any run of characters.
	 */
	private String service = "*";

	/**
	 * HTTP method, in any case, or '*' for any.
	 */
	private String method = "*";

	/**
	 * Path pattern in Spring's PathPattern syntax, such as '/notes/**' or '/admin/{id}'.
	 */
	private String path = "/**";

	/**
	 * Name of the calling service, where '*' matches any run of characters.
	 */
	private @Nullable String caller;

	/**
	 * Scope the caller's token must carry; 'public' matches anyone, even unauthenticated;
	 * '*' matches any authenticated caller.
	 */
	private @Nullable String scope;

	/**
	 * Whether the matched requests are granted or denied.
	 */
	private @Nullable Access access;

	/**
	 * Priority of the rule; higher is evaluated first.
	 */
	private int priority;

	/**
	 * Create a rule matching every call, with no id and no access set.
	 */
	public AuthRule() {
	}

	private AuthRule(AuthRule other) {
		this.id = other.id;
		this.service = other.service;
		this.method = other.method;
		this.path = other.path;
		this.caller = other.caller;
		this.scope = other.scope;
		this.access = other.access;
		this.priority = other.priority;
	}

	/**
	 * Return a copy of this rule that later changes to either do not affect.
	 * @return the copy
	 */
	AuthRule copy() {
		return new AuthRule(this);
	}

	/**
	 * Id of the rule, unique within the set; named in decisions and logs.
	 * @return the id, or {@code null} if not set
	 */
	public @Nullable String getId() {
		return this.id;
	}

	/**
	 * Set the id of the rule.
	 * @param id the id
	 */
	public void setId(@Nullable String id) {
		this.id = id;
	}

	/**
	 * Name of the service called, where {@code *} matches any run of characters.
	 * @return the service pattern
	 */
	public String getService() {
		return this.service;
	}

	/**
	 * Set the name of the service called.
	 * @param service the service pattern
	 */
	public void setService(String service) {
		this.service = service;
	}

	/**
	 * HTTP method, in any case, or {@code *} for any.
	 * @return the method
	 */
	public String getMethod() {
		return this.method;
	}

	/**
	 * Set the HTTP method.
	 * @param method the method, or {@code *}
	 */
	public void setMethod(String method) {
		this.method = method;
	}

	/**
	 * Path pattern in Spring's {@code PathPattern} syntax.
	 * @return the path pattern
	 */
	public String getPath() {
		return this.path;
	}

	/**
	 * Set the path pattern.
	 * @param path the path pattern, starting with {@code /}
	 */
	public void setPath(String path) {
		this.path = path;
	}

	/**
	 * Name of the calling service, where {@code *} matches any run of characters.
	 * @return the caller pattern, or {@code null} for any caller
	 */
	public @Nullable String getCaller() {
		return this.caller;
	}

	/**
	 * Set the name of the calling service.
	 * @param caller the caller pattern, or {@code null} for any caller
	 */
	public void setCaller(@Nullable String caller) {
		this.caller = caller;
	}

	/**
	 * Scope the caller's token must carry: {@code public} for anyone, {@code *} for any
	 * authenticated caller, otherwise a scope name.
	 * @return the scope, or {@code null}
	 */
	public @Nullable String getScope() {
		return this.scope;
	}

	/**
	 * Set the scope the caller's token must carry.
	 * @param scope the scope, or {@code null}
	 */
	public void setScope(@Nullable String scope) {
		this.scope = scope;
	}

	/**
	 * Whether the matched requests are granted or denied.
	 * @return the access, or {@code null} if not set
	 */
	public @Nullable Access getAccess() {
		return this.access;
	}

	/**
	 * Set whether the matched requests are granted or denied.
	 * @param access the access
	 */
	public void setAccess(@Nullable Access access) {
		this.access = access;
	}

	/**
	 * Priority of the rule; higher is evaluated first.
	 * @return the priority
	 */
	public int getPriority() {
		return this.priority;
	}

	/**
	 * Set the priority of the rule.
	 * @param priority the priority, higher first
	 */
	public void setPriority(int priority) {
		this.priority = priority;
	}

	@Override
	public String toString() {
		return "AuthRule{id=" + quoted(this.id) + ", service=" + quoted(this.service) + ", method="
				+ quoted(this.method) + ", path=" + quoted(this.path) + ", caller=" + quoted(this.caller) + ", scope="
				+ quoted(this.scope) + ", access=" + this.access + ", priority=" + this.priority + "}";
	}

	private static String quoted(@Nullable String value) {
		return (value != null) ? "'" + value + "'" : "null";
	}

}
