package dev.phanes.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Service tokens issued and verified through a real key directory, and every way a token
 * is refused.
 */
class ServiceTokensTests {

	private static final Duration TTL = Duration.ofMinutes(5);

	private static final Duration SKEW = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));

	private KeyDirectory keys;

	private ServiceKeys orders;

	private ServiceTokens ordersTokens;

	private ServiceTokenVerifier inventory;

	@BeforeEach
	void createServices() {
		this.keys = new KeyDirectory(this.directory);
		this.orders = new ServiceKeys(this.keys, "orders", Duration.ofDays(1), Duration.ofSeconds(20), TTL.plus(SKEW),
				this.clock);
		this.ordersTokens = new ServiceTokens(this.orders, "orders", TTL, Duration.ofMinutes(1), this.clock);
		this.inventory = verifier("inventory");
	}

	private ServiceTokenVerifier verifier(String service) {
		return new ServiceTokenVerifier(new TrustedKeys(this.keys, Map::of, Duration.ofSeconds(1), this.clock), service,
				8192, SKEW, Duration.ofHours(1), this.clock);
	}

	@Test
	void aTokenOfOneServiceIsAcceptedByTheServiceItIsFor() {
		AuthPrincipal principal = this.inventory.verify(this.ordersTokens.tokenFor("inventory"));
		assertThat(principal.service()).isEqualTo("orders");
		assertThat(principal.subject()).isEqualTo("orders");
		// a service's own token carries no scopes it could have chosen itself
		assertThat(principal.scopes()).isEmpty();
		assertThat(principal.expiresAt()).isEqualTo(this.clock.instant().plus(TTL));
	}

	@Test
	void keysAreFilesReadableByTheirOwnerOnly() throws Exception {
		assertThat(this.directory.resolve("orders.jwks.json")).exists();
		JWKSet published = JWKSet.parse(Files.readString(this.directory.resolve("orders.jwks.json")));
		assertThat(published.getKeys()).singleElement().satisfies((key) -> assertThat(key.isPrivate()).isFalse());
		assertThat(Files.getPosixFilePermissions(this.directory.resolve("orders.keys.json"))).map(Object::toString)
			.containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
	}

	@Test
	void aTokenIsCachedAndRenewedBeforeItExpires() {
		String first = this.ordersTokens.tokenFor("inventory");
		this.clock.advance(Duration.ofMinutes(3));
		assertThat(this.ordersTokens.tokenFor("inventory")).isEqualTo(first);
		this.clock.advance(Duration.ofMinutes(1).plusSeconds(1));
		String renewed = this.ordersTokens.tokenFor("inventory");
		assertThat(renewed).isNotEqualTo(first);
		assertThat(this.inventory.verify(renewed).service()).isEqualTo("orders");
	}

	@Test
	void noneAlgorithmIsRefused() {
		String header = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
		String claims = base64(validClaims("inventory").toString());
		assertRefused(header + "." + claims + ".", "malformed token");
	}

	@Test
	void hmacSignedWithThePublicKeyIsRefused() throws Exception {
		ECKey published = (ECKey) JWKSet.parse(Files.readString(this.directory.resolve("orders.jwks.json")))
			.getKeys()
			.get(0);
		byte[] secret = published.toJSONString().getBytes(StandardCharsets.UTF_8);
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(),
				validClaims("inventory"));
		jwt.sign(new MACSigner(secret));
		assertRefused(jwt.serialize(), "unsupported algorithm: only ES256");
	}

	@Test
	void rsaSignedWithAnotherKeyUnderTheSameIdIsRefused() throws Exception {
		RSAKey rsa = new RSAKeyGenerator(2048).keyID(this.orders.signingKey().getKeyID()).generate();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(),
				validClaims("inventory"));
		jwt.sign(new RSASSASigner(rsa));
		assertRefused(jwt.serialize(), "unsupported algorithm: only ES256");
	}

	@Test
	void aTamperedPayloadIsRefused() {
		String[] parts = this.ordersTokens.tokenFor("inventory").split("\\.");
		String forged = base64(
				new JWTClaimsSet.Builder(validClaims("inventory")).claim("scope", "admin").build().toString());
		assertRefused(parts[0] + "." + forged + "." + parts[2], "bad signature");
	}

	@Test
	void aTamperedSignatureIsRefused() {
		String token = this.ordersTokens.tokenFor("inventory");
		char last = token.charAt(token.length() - 10);
		String tampered = token.substring(0, token.length() - 10) + ((last == 'A') ? 'B' : 'A')
				+ token.substring(token.length() - 9);
		assertRefused(tampered, "bad signature");
	}

	@Test
	void anExpiredTokenIsRefusedOnceTheSkewHasPassed() {
		String token = this.ordersTokens.tokenFor("inventory");
		this.clock.advance(TTL.plus(SKEW).minusSeconds(1));
		assertThat(this.inventory.verify(token).service()).isEqualTo("orders");
		this.clock.advance(Duration.ofSeconds(2));
		assertRefused(token, "expired");
	}

	@Test
	void aTokenNotValidYetIsRefused() throws Exception {
		Instant later = this.clock.instant().plus(Duration.ofMinutes(2));
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory")).notBeforeTime(Date.from(later))
			.build();
		assertRefused(sign(this.orders.signingKey(), claims), "not valid yet");
	}

	@Test
	void aTokenForAnotherServiceIsRefused() {
		// replayed: a token orders got for payments, sent to inventory
		assertRefused(this.ordersTokens.tokenFor("payments"), "not issued for this service");
		assertThat(verifier("payments").verify(this.ordersTokens.tokenFor("payments")).service()).isEqualTo("orders");
	}

	@Test
	void aTokenNamingAnotherIssuerThanItsKeysIsRefused() throws Exception {
		// payments has keys too; orders signs a token claiming to be payments
		new ServiceKeys(this.keys, "payments", Duration.ofDays(1), Duration.ofSeconds(20), TTL, this.clock);
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory")).issuer("payments")
			.subject("payments")
			.build();
		assertRefused(sign(this.orders.signingKey(), claims), "signing key not trusted for the issuer");
	}

	@Test
	void aKeyNoOneTrustsIsRefused() throws Exception {
		ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("orders-stranger").generate();
		assertRefused(sign(stranger, validClaims("inventory")), "signing key not trusted for the issuer");
	}

	@Test
	void anIssuerThatIsNotAServiceNameIsRefused() throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory")).issuer("../orders")
			.subject("../orders")
			.build();
		assertRefused(sign(this.orders.signingKey(), claims), "no issuer, or not a service name");
	}

	@Test
	void oversizedAndMalformedTokensAreRefused() {
		String hugeHeader = base64("{\"alg\":\"ES256\",\"kid\":\"" + "k".repeat(100_000) + "\"}");
		assertRefused(hugeHeader + ".e30.c2ln", "token longer than 8192 characters");
		assertRefused("not-a-token", "malformed token");
		assertRefused("!!!.@@@.###", "malformed token");
		assertRefused("", "malformed token");
	}

	@Test
	void scopesAServiceClaimsForItselfAreIgnored() throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory")).claim("scope", "admin").build();
		assertThat(this.inventory.verify(sign(this.orders.signingKey(), claims)).scopes()).isEmpty();
	}

	@Test
	void aKeyDirectoryOthersCanWriteToIsRefused() throws Exception {
		Path shared = Files.createDirectory(this.directory.resolve("shared"));
		Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> new KeyDirectory(shared))
			.withMessageContaining("writable by its owner only");
		Path created = new KeyDirectory(this.directory.resolve("new")).path();
		assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
			.isEqualTo("rwx------");
	}

	@Test
	void tokensNamingUnknownIssuersAreNotRemembered() throws Exception {
		TrustedKeys trusted = new TrustedKeys(this.keys, Map::of, Duration.ofSeconds(1), this.clock);
		for (int i = 0; i < 100; i++) {
			assertThat(trusted.key("made-up-" + i, "made-up-" + i + "-key")).isNull();
		}
		assertThat(trusted.keyIds()).isEmpty();
	}

	@Test
	void aSubjectOtherThanTheIssuerIsRefused() throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory")).subject("someone-else").build();
		assertRefused(sign(this.orders.signingKey(), claims), "subject is not the issuer");
	}

	@Test
	void aLifetimeLongerThanAllowedIsRefused() throws Exception {
		JWTClaimsSet claims = new JWTClaimsSet.Builder(validClaims("inventory"))
			.expirationTime(Date.from(this.clock.instant().plus(Duration.ofHours(2))))
			.build();
		assertRefused(sign(this.orders.signingKey(), claims), "lifetime longer than PT1H");
	}

	@Test
	void rotatedKeysOverlapSoThatNoTokenFailsAcrossTheSwitch() {
		ServiceKeys rotating = new ServiceKeys(this.keys, "billing", Duration.ofMinutes(10), Duration.ofSeconds(20),
				TTL.plus(SKEW), this.clock);
		ServiceTokens billing = new ServiceTokens(rotating, "billing", TTL, Duration.ofMinutes(1), this.clock);
		String first = rotating.signingKey().getKeyID();
		// due 20 s before the ten minutes are up: the next key is published, not used yet
		this.clock.advance(Duration.ofMinutes(10).minusSeconds(20));
		rotating.refresh();
		assertThat(rotating.keyIds()).hasSize(2);
		assertThat(rotating.signingKey().getKeyID()).isEqualTo(first);
		String before = billing.tokenFor("inventory");
		this.clock.advance(Duration.ofSeconds(21));
		String second = rotating.signingKey().getKeyID();
		assertThat(second).isNotEqualTo(first);
		String after = billing.tokenFor("inventory");
		assertThat(after).isNotEqualTo(before);
		// a token of each key is accepted while the old key stays published
		assertThat(this.inventory.verify(after).service()).isEqualTo("billing");
		assertThat(this.inventory.verify(before).service()).isEqualTo("billing");
		// the old key goes once every token signed with it has expired
		this.clock.advance(TTL.plus(SKEW).plusSeconds(1));
		rotating.refresh();
		assertThat(rotating.keyIds()).containsExactly(second);
	}

	private void assertRefused(String token, String reason) {
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> this.inventory.verify(token))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).isEqualTo(reason);
				if (token.length() > 16) {
					assertThat(ex.getMessage()).doesNotContain(token.substring(0, 16));
				}
			});
	}

	private JWTClaimsSet validClaims(String audience) {
		Instant now = this.clock.instant();
		return new JWTClaimsSet.Builder().issuer("orders")
			.subject("orders")
			.audience(audience)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(TTL)))
			.build();
	}

	private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims);
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * A clock the test moves.
	 */
	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
