package dev.phanes.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Settings of the Auth block: service identity, tokens on calls, and the rules that
 * decide. Validates itself, so that a configuration reload with an invalid rule set or
 * token setting is rejected whole and the previous one kept.
 */
@ConfigurationProperties("phanes.auth")
public class AuthProperties implements Validator {

	/**
	 * Whether to enable the Auth block: every request needs a token unless a rule with
	 * scope 'public' lets it through, and calls through load-balanced clients carry this
	 * service's token.
	 */
	private boolean enabled = false;

	/**
	 * Name of this service: the issuer of its tokens and the audience of tokens for it.
	 * Defaults to spring.application.name.
	 */
	private @Nullable String service;

	/**
	 * Rules deciding who may call what; highest priority first, denied when none matches.
	 */
	private List<AuthRule> rules = new ArrayList<>();

	/**
	 * Public keys (a JWK set, as JSON) trusted for a calling service, by service name, in
	 * addition to those in the key directory.
	 */
	private Map<String, String> trustedKeys = new LinkedHashMap<>();

	private final Keys keys = new Keys();

	private final Issuer issuer = new Issuer();

	private final Token token = new Token();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getService() {
		return this.service;
	}

	public void setService(@Nullable String service) {
		this.service = service;
	}

	public List<AuthRule> getRules() {
		return this.rules;
	}

	public void setRules(List<AuthRule> rules) {
		this.rules = rules;
	}

	public Map<String, String> getTrustedKeys() {
		return this.trustedKeys;
	}

	public void setTrustedKeys(Map<String, String> trustedKeys) {
		this.trustedKeys = trustedKeys;
	}

	public Keys getKeys() {
		return this.keys;
	}

	public Token getToken() {
		return this.token;
	}

	public Issuer getIssuer() {
		return this.issuer;
	}

	@Override
	public boolean supports(Class<?> type) {
		return AuthProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		AuthProperties properties = (AuthProperties) target;
		try {
			RuleSet.compile(properties.getRules());
		}
		catch (InvalidRulesException ex) {
			errors.rejectValue("rules", "invalid", String.join("; ", ex.problems()));
		}
		Token token = properties.getToken();
		if (token.getTtl().compareTo(Duration.ofSeconds(10)) < 0 || token.getTtl().compareTo(Duration.ofHours(1)) > 0) {
			errors.rejectValue("token.ttl", "range", "must be between 10s and 1h, got " + token.getTtl());
		}
		if (token.getRenewBefore().isNegative() || token.getRenewBefore().compareTo(token.getTtl()) >= 0) {
			errors.rejectValue("token.renewBefore", "range",
					"must be at least 0 and shorter than phanes.auth.token.ttl, got " + token.getRenewBefore());
		}
		if (token.getClockSkew().isNegative() || token.getClockSkew().compareTo(Duration.ofMinutes(5)) > 0) {
			errors.rejectValue("token.clockSkew", "range", "must be between 0 and 5m, got " + token.getClockSkew());
		}
		if (token.getMaxSize().toBytes() < 512 || token.getMaxSize().toBytes() > 65536) {
			errors.rejectValue("token.maxSize", "range", "must be between 512B and 64KB, got " + token.getMaxSize());
		}
		Keys keys = properties.getKeys();
		if (keys.getReload().toMillis() < 100) {
			errors.rejectValue("keys.reload", "range", "must be at least 100ms, got " + keys.getReload());
		}
		else if (keys.getRotation().isNegative() || (!keys.getRotation().isZero()
				&& keys.getRotation().compareTo(keys.getReload().multipliedBy(3)) < 0)) {
			errors.rejectValue("keys.rotation", "range",
					"must be 0 (never) or at least three times phanes.auth.keys.reload (a new key is published two "
							+ "reload periods before it signs), got " + keys.getRotation());
		}
	}

	/**
	 * The embedded key model: keys generated into a directory and trusted from it.
	 */
	public static class Keys {

		/**
		 * Directory of the services' keys: each service writes its public keys there
		 * ({@code <service>.jwks.json}, readable by all) and its private keys
		 * ({@code <service>.keys.json}, readable by its owner only), and trusts the
		 * public keys of the others from there. Share it between the services of one
		 * machine.
		 */
		private Path directory = Path.of(System.getProperty("user.home"), ".phanes", "auth-keys");

		/**
		 * How long one key signs before the next takes over; 0 never rotates.
		 */
		private Duration rotation = Duration.ofDays(1);

		/**
		 * How often the directory is read again: keys other services rotated, and a
		 * rotation of this service's own keys.
		 */
		private Duration reload = Duration.ofSeconds(10);

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public Duration getRotation() {
			return this.rotation;
		}

		public void setRotation(Duration rotation) {
			this.rotation = rotation;
		}

		public Duration getReload() {
			return this.reload;
		}

		public void setReload(Duration reload) {
			this.reload = reload;
		}

	}

	/**
	 * The distributed key model: an OAuth2/OIDC issuer.
	 */
	public static class Issuer {

		/**
		 * URI of the OAuth2/OIDC issuer (its metadata at
		 * /.well-known/openid-configuration or /.well-known/oauth-authorization-server).
		 * When set, tokens come from the issuer instead of the key directory: incoming
		 * ones are verified against its keys, outgoing ones asked for with the client
		 * credentials grant.
		 */
		private @Nullable String uri;

		/**
		 * Client id of this service at the issuer, for outgoing calls.
		 */
		private @Nullable String clientId;

		/**
		 * Client secret of this service at the issuer.
		 */
		private @Nullable String clientSecret;

		/**
		 * Scopes asked for in outgoing tokens.
		 */
		private List<String> scopes = new ArrayList<>();

		/**
		 * Token request parameter naming the called service, which the issuer should make
		 * the token's audience: 'resource' (RFC 8707), 'audience', or empty for none.
		 */
		private String audienceParameter = "resource";

		/**
		 * Claim naming the calling service in the issuer's tokens; tokens without it are
		 * end users'.
		 */
		private String serviceClaim = "client_id";

		/**
		 * Longest wait for the issuer's answer.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		public @Nullable String getUri() {
			return this.uri;
		}

		public void setUri(@Nullable String uri) {
			this.uri = uri;
		}

		public @Nullable String getClientId() {
			return this.clientId;
		}

		public void setClientId(@Nullable String clientId) {
			this.clientId = clientId;
		}

		public @Nullable String getClientSecret() {
			return this.clientSecret;
		}

		public void setClientSecret(@Nullable String clientSecret) {
			this.clientSecret = clientSecret;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

		public String getAudienceParameter() {
			return this.audienceParameter;
		}

		public void setAudienceParameter(String audienceParameter) {
			this.audienceParameter = audienceParameter;
		}

		public String getServiceClaim() {
			return this.serviceClaim;
		}

		public void setServiceClaim(String serviceClaim) {
			this.serviceClaim = serviceClaim;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * The tokens of calls.
	 */
	public static class Token {

		/**
		 * Lifetime of this service's tokens, 10s to 1h.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * How long before its expiry a cached token is replaced.
		 */
		private Duration renewBefore = Duration.ofMinutes(1);

		/**
		 * Tolerance for clocks that differ between machines, when checking expiry and
		 * not-before times.
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * Longest token accepted; longer ones are refused before they are parsed.
		 */
		private DataSize maxSize = DataSize.ofKilobytes(4);

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public Duration getRenewBefore() {
			return this.renewBefore;
		}

		public void setRenewBefore(Duration renewBefore) {
			this.renewBefore = renewBefore;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

}
