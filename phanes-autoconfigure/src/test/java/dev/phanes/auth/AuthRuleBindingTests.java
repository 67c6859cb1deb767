package dev.phanes.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for binding {@link AuthRule}s from {@code phanes.auth.rules}.
 */
class AuthRuleBindingTests {

	@Test
	void bindsRulesAndCompilesThem() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("phanes.auth.rules[0].id", "deny-admin");
		properties.put("phanes.auth.rules[0].access", "deny");
		properties.put("phanes.auth.rules[0].priority", "10");
		properties.put("phanes.auth.rules[0].path", "/admin/**");
		properties.put("phanes.auth.rules[1].id", "billing");
		properties.put("phanes.auth.rules[1].access", "GRANT");
		properties.put("phanes.auth.rules[1].caller", "billing-*");
		properties.put("phanes.auth.rules[1].method", "get");
		properties.put("phanes.auth.rules[1].service", "notes");
		properties.put("phanes.auth.rules[2].id", "health");
		properties.put("phanes.auth.rules[2].access", "Grant");
		properties.put("phanes.auth.rules[2].scope", "public");
		List<AuthRule> rules = bind(properties);
		assertThat(rules).extracting(AuthRule::getId, AuthRule::getAccess, AuthRule::getPriority)
			.containsExactly(tuple("deny-admin", Access.DENY, 10), tuple("billing", Access.GRANT, 0),
					tuple("health", Access.GRANT, 0));
		RuleSet set = RuleSet.compile(rules);
		assertThat(set.decide(new AuthRequest("notes", "GET", "/admin/x", "billing-eu", Set.of(), true)).ruleId())
			.isEqualTo("deny-admin");
		assertThat(set.decide(new AuthRequest("notes", "GET", "/notes", "billing-eu", Set.of(), true)).ruleId())
			.isEqualTo("billing");
		assertThat(set.decide(new AuthRequest("notes", "GET", "/notes", null, Set.of(), false)).ruleId())
			.isEqualTo("health");
	}

	@Test
	void unsetFieldsKeepTheirDefaults() {
		List<AuthRule> rules = bind(Map.of("phanes.auth.rules[0].id", "all", "phanes.auth.rules[0].access", "grant"));
		assertThat(rules).singleElement().satisfies((rule) -> {
			assertThat(rule.getService()).isEqualTo("*");
			assertThat(rule.getMethod()).isEqualTo("*");
			assertThat(rule.getPath()).isEqualTo("/**");
			assertThat(rule.getCaller()).isNull();
			assertThat(rule.getScope()).isNull();
			assertThat(rule.getPriority()).isZero();
		});
	}

	@Test
	void accessBindsInUpperAndLowerCase() {
		assertThat(
				bind(Map.of("phanes.auth.rules[0].id", "a", "phanes.auth.rules[0].access", "DENY")).get(0).getAccess())
			.isEqualTo(Access.DENY);
		assertThat(
				bind(Map.of("phanes.auth.rules[0].id", "a", "phanes.auth.rules[0].access", "deny")).get(0).getAccess())
			.isEqualTo(Access.DENY);
	}

	@Test
	void ruleWithoutAccessFailsToCompile() {
		List<AuthRule> rules = bind(Map.of("phanes.auth.rules[0].id", "a", "phanes.auth.rules[0].path", "/x"));
		assertThatExceptionOfType(InvalidRulesException.class).isThrownBy(() -> RuleSet.compile(rules))
			.satisfies((ex) -> assertThat(ex.problems())
				.containsExactly("phanes.auth.rules[0] (id 'a').access: must be set to 'grant' or 'deny'"));
	}

	private static List<AuthRule> bind(Map<String, String> properties) {
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		return binder.bind("phanes.auth.rules", Bindable.listOf(AuthRule.class)).get();
	}

}
