package dev.phanes.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RuleSet}.
 */
class RuleSetTests {

	@Test
	void higherPriorityRuleDecidesFirst() {
		RuleSet rules = RuleSet.compile(List.of(rule("low", Access.DENY, (r) -> r.setPriority(1)),
				rule("high", Access.GRANT, (r) -> r.setPriority(5)),
				rule("mid", Access.DENY, (r) -> r.setPriority(3))));
		assertThat(rules.rules()).extracting(AuthRule::getId).containsExactly("high", "mid", "low");
		assertThat(rules.decide(user("GET", "/notes"))).isEqualTo(new Decision(true, "high", "granted by rule 'high'"));
	}

	@Test
	void equalPriorityAndAccessAreOrderedById() {
		RuleSet rules = RuleSet.compile(List.of(rule("b", Access.GRANT), rule("a", Access.GRANT)));
		assertThat(rules.rules()).extracting(AuthRule::getId).containsExactly("a", "b");
		assertThat(rules.size()).isEqualTo(2);
	}

	@Test
	void denyBeatsLowerPriorityGrant() {
		RuleSet rules = RuleSet.compile(List.of(rule("grant-all", Access.GRANT, (r) -> r.setPriority(0)),
				rule("deny-admin", Access.DENY, (r) -> {
					r.setPath("/admin/**");
					r.setPriority(10);
				})));
		assertThat(rules.decide(user("GET", "/admin/users/1")))
			.isEqualTo(new Decision(false, "deny-admin", "denied by rule 'deny-admin'"));
		assertThat(rules.decide(user("GET", "/notes")).ruleId()).isEqualTo("grant-all");
	}

	@Test
	void denyBeatsGrantOfEqualPriority() {
		RuleSet rules = RuleSet.compile(List.of(rule("a-grant", Access.GRANT, (r) -> r.setPriority(5)),
				rule("z-deny", Access.DENY, (r) -> r.setPriority(5))));
		assertThat(rules.rules()).extracting(AuthRule::getId).containsExactly("z-deny", "a-grant");
		assertThat(rules.decide(user("GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(user("GET", "/")).ruleId()).isEqualTo("z-deny");
	}

	@Test
	void noRulesDeniesByDefault() {
		Decision decision = RuleSet.compile(List.of()).decide(user("GET", "/"));
		assertThat(decision).isEqualTo(new Decision(false, null, "no rule matched: denied by default"));
		assertThat(RuleSet.empty().decide(anonymous("GET", "/"))).isEqualTo(decision);
		assertThat(RuleSet.empty().size()).isZero();
	}

	@Test
	void requestNoRuleMatchesIsDeniedByDefault() {
		RuleSet rules = RuleSet.compile(List.of(rule("notes", Access.GRANT, (r) -> r.setPath("/notes/**"))));
		Decision decision = rules.decide(user("GET", "/orders/1"));
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.ruleId()).isNull();
		assertThat(decision.reason()).isEqualTo("no rule matched: denied by default");
	}

	@Test
	void serviceWildcardsMatchAnyRunOfCharacters() {
		RuleSet rules = RuleSet.compile(List.of(rule("notes-family", Access.GRANT, (r) -> r.setService("notes-*")),
				rule("middle", Access.GRANT, (r) -> r.setService("a*b*c")),
				rule("exact", Access.GRANT, (r) -> r.setService("orders"))));
		assertThat(rules.decide(call("notes-v2", "GET", "/")).ruleId()).isEqualTo("notes-family");
		assertThat(rules.decide(call("notes-", "GET", "/")).ruleId()).isEqualTo("notes-family");
		assertThat(rules.decide(call("notes", "GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(call("abc", "GET", "/")).ruleId()).isEqualTo("middle");
		assertThat(rules.decide(call("a-b-b-c", "GET", "/")).ruleId()).isEqualTo("middle");
		assertThat(rules.decide(call("ac", "GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(call("abcd", "GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(call("orders", "GET", "/")).ruleId()).isEqualTo("exact");
		assertThat(rules.decide(call("orders2", "GET", "/")).allowed()).isFalse();
	}

	@Test
	void pathPatternsMatchLikeSpringMvc() {
		RuleSet rules = RuleSet.compile(List.of(rule("notes", Access.GRANT, (r) -> r.setPath("/notes/**")),
				rule("admin-one", Access.GRANT, (r) -> r.setPath("/admin/{id}"))));
		assertThat(rules.decide(user("GET", "/notes")).ruleId()).isEqualTo("notes");
		assertThat(rules.decide(user("GET", "/notes/1/comments")).ruleId()).isEqualTo("notes");
		assertThat(rules.decide(user("GET", "/admin/7")).ruleId()).isEqualTo("admin-one");
		assertThat(rules.decide(user("GET", "/admin/7/delete")).allowed()).isFalse();
		assertThat(rules.decide(user("GET", "/notesx")).allowed()).isFalse();
	}

	@Test
	void publicScopeLetsUnauthenticatedRequestsThroughButAnyScopeDoesNot() {
		RuleSet rules = RuleSet.compile(List.of(rule("health", Access.GRANT, (r) -> {
			r.setPath("/health");
			r.setScope("public");
		}), rule("any-caller", Access.GRANT, (r) -> r.setScope("*")),
				rule("no-condition", Access.GRANT, (r) -> r.setPath("/open"))));
		assertThat(rules.decide(anonymous("GET", "/health")).ruleId()).isEqualTo("health");
		assertThat(rules.decide(anonymous("GET", "/notes")).allowed()).isFalse();
		assertThat(rules.decide(anonymous("GET", "/open")).allowed()).isFalse();
		assertThat(rules.decide(user("GET", "/notes")).ruleId()).isEqualTo("any-caller");
		assertThat(rules.decide(service("billing", "GET", "/notes")).ruleId()).isEqualTo("any-caller");
	}

	@Test
	void namedScopeMustBeCarriedByTheToken() {
		RuleSet rules = RuleSet.compile(List.of(rule("writers", Access.GRANT, (r) -> {
			r.setMethod("POST");
			r.setScope("notes.write");
		})));
		AuthRequest withScope = new AuthRequest("notes", "POST", "/notes", null, Set.of("notes.write"), true);
		AuthRequest withoutScope = new AuthRequest("notes", "POST", "/notes", null, Set.of("notes.read"), true);
		AuthRequest anonymousWithScope = new AuthRequest("notes", "POST", "/notes", null, Set.of("notes.write"), false);
		assertThat(rules.decide(withScope).ruleId()).isEqualTo("writers");
		assertThat(rules.decide(withoutScope).allowed()).isFalse();
		assertThat(rules.decide(anonymousWithScope).allowed()).isFalse();
	}

	@Test
	void callerPatternMatchesTheCallingService() {
		RuleSet rules = RuleSet.compile(List.of(rule("billing", Access.GRANT, (r) -> r.setCaller("billing-*")),
				rule("billing-scoped", Access.GRANT, (r) -> {
					r.setCaller("reports");
					r.setScope("notes.read");
				})));
		assertThat(rules.decide(service("billing-eu", "GET", "/")).ruleId()).isEqualTo("billing");
		assertThat(rules.decide(service("shipping", "GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(user("GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(new AuthRequest("notes", "GET", "/", "billing-eu", Set.of(), false)).allowed())
			.isFalse();
		assertThat(rules.decide(service("reports", "GET", "/")).allowed()).isFalse();
		assertThat(rules.decide(new AuthRequest("notes", "GET", "/", "reports", Set.of("notes.read"), true)).ruleId())
			.isEqualTo("billing-scoped");
	}

	@Test
	void methodIsComparedWithoutRegardToCase() {
		RuleSet rules = RuleSet.compile(List.of(rule("reads", Access.GRANT, (r) -> r.setMethod("get"))));
		assertThat(rules.decide(user("GET", "/")).ruleId()).isEqualTo("reads");
		assertThat(rules.decide(user("Get", "/")).ruleId()).isEqualTo("reads");
		assertThat(rules.decide(user("POST", "/")).allowed()).isFalse();
	}

	@Test
	void aGetRuleAlsoDecidesHeadWhichGetHandlersServe() {
		RuleSet rules = RuleSet.compile(List.of(rule("no-export", Access.DENY, (r) -> {
			r.setMethod("GET");
			r.setPriority(10);
		}), rule("all", Access.GRANT)));
		assertThat(rules.decide(user("HEAD", "/")).ruleId()).isEqualTo("no-export");
		assertThat(rules.decide(user("POST", "/")).ruleId()).isEqualTo("all");
	}

	@Test
	void invalidRulesReportEveryProblemNamingIndexIdAndField() {
		AuthRule noId = new AuthRule();
		noId.setAccess(Access.GRANT);
		List<AuthRule> invalid = List.of(rule("ok", Access.GRANT), rule("bad-method", Access.GRANT, (r) -> {
			r.setMethod("GE T");
			r.setService("notes service");
		}), rule("deny-admin", Access.DENY, (r) -> r.setPath("/a/**/b{")), noId,
				rule("no-access", null, (r) -> r.setScope(" ")), rule("relative", Access.GRANT, (r) -> {
					r.setPath("admin");
					r.setCaller("");
				}), rule("x".repeat(101), Access.GRANT));
		assertThatExceptionOfType(InvalidRulesException.class).isThrownBy(() -> RuleSet.compile(invalid))
			.satisfies((ex) -> {
				assertThat(ex.problems()).hasSize(9);
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[1] (id 'bad-method').method: 'GE T'"));
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[1] (id 'bad-method').service: 'notes service'"));
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[2] (id 'deny-admin').path: invalid pattern '/a/**/b{': "));
				assertThat(ex.problems()).contains("phanes.auth.rules[3].id: must be set");
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[4] (id 'no-access').access: must be set"));
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[4] (id 'no-access').scope: ' ' must not be blank"));
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[5] (id 'relative').path: 'admin' must start with '/'"));
				assertThat(ex.problems()).anySatisfy((problem) -> assertThat(problem)
					.startsWith("phanes.auth.rules[5] (id 'relative').caller: must not be blank"));
				assertThat(ex.problems()).contains("phanes.auth.rules[6].id: must be at most 100 characters, got 101");
				assertThat(ex.problems()).noneMatch((problem) -> problem.contains("rules[0]"));
				assertThat(ex).hasMessageStartingWith("Invalid auth rules, fix 9 problems:")
					.hasMessageContaining("phanes.auth.rules[2] (id 'deny-admin').path");
			});
	}

	@Test
	void idWithControlCharactersIsRejected() {
		assertThatExceptionOfType(InvalidRulesException.class)
			.isThrownBy(() -> RuleSet.compile(List.of(rule("bad\nid", Access.GRANT))))
			.satisfies((ex) -> assertThat(ex.problems())
				.containsExactly("phanes.auth.rules[0].id: must not contain control characters"));
	}

	@Test
	void duplicateIdsAreRejected() {
		assertThatExceptionOfType(InvalidRulesException.class)
			.isThrownBy(() -> RuleSet
				.compile(List.of(rule("same", Access.GRANT), rule("other", Access.GRANT), rule("same", Access.DENY))))
			.satisfies((ex) -> assertThat(ex.problems()).containsExactly(
					"phanes.auth.rules[2] (id 'same').id: duplicate of phanes.auth.rules[0]; ids must be unique"));
	}

	@Test
	void moreThanTheMaximumNumberOfRulesIsRejected() {
		List<AuthRule> rules = new ArrayList<>();
		for (int i = 0; i <= RuleSet.MAX_RULES; i++) {
			rules.add(rule("rule-" + i, Access.GRANT));
		}
		assertThatExceptionOfType(InvalidRulesException.class).isThrownBy(() -> RuleSet.compile(rules))
			.satisfies((ex) -> assertThat(ex.problems()).containsExactly(
					"phanes.auth.rules: 10001 rules exceed the limit of 10000; merge rules using wildcards"));
		assertThat(RuleSet.compile(rules.subList(0, RuleSet.MAX_RULES)).size()).isEqualTo(RuleSet.MAX_RULES);
	}

	@Test
	void compiledSetIsUnaffectedByLaterChangesToTheRules() {
		AuthRule rule = rule("notes", Access.GRANT, (r) -> r.setPath("/notes/**"));
		RuleSet rules = RuleSet.compile(List.of(rule));
		rule.setAccess(Access.DENY);
		rule.setPath("/**");
		rule.setId("changed");
		rules.rules().get(0).setAccess(Access.DENY);
		assertThat(rules.decide(user("GET", "/notes/1")))
			.isEqualTo(new Decision(true, "notes", "granted by rule 'notes'"));
		assertThat(rules.decide(user("GET", "/other")).allowed()).isFalse();
		assertThat(rules.rules().get(0).getAccess()).isEqualTo(Access.GRANT);
		assertThat(rules.rules().get(0).getPath()).isEqualTo("/notes/**");
	}

	@Test
	void decisionNamesTheRule() {
		RuleSet rules = RuleSet.compile(List.of(rule("deny-writes", Access.DENY, (r) -> r.setMethod("POST")),
				rule("grant-reads", Access.GRANT, (r) -> r.setMethod("GET"))));
		assertThat(rules.decide(user("POST", "/notes")))
			.isEqualTo(new Decision(false, "deny-writes", "denied by rule 'deny-writes'"));
		assertThat(rules.decide(user("GET", "/notes")))
			.isEqualTo(new Decision(true, "grant-reads", "granted by rule 'grant-reads'"));
	}

	@Test
	void ruleDescribesItself() {
		AuthRule rule = rule("notes", Access.GRANT, (r) -> r.setScope("notes.read"));
		assertThat(rule).hasToString("AuthRule{id='notes', service='*', method='*', path='/**', caller=null, "
				+ "scope='notes.read', access=GRANT, priority=0}");
	}

	private static AuthRule rule(String id, Access access) {
		return rule(id, access, (rule) -> {
		});
	}

	private static AuthRule rule(String id, @Nullable Access access, Consumer<AuthRule> customizer) {
		AuthRule rule = new AuthRule();
		rule.setId(id);
		rule.setAccess(access);
		customizer.accept(rule);
		return rule;
	}

	private static AuthRequest user(String method, String path) {
		return new AuthRequest("notes", method, path, null, Set.of(), true);
	}

	private static AuthRequest anonymous(String method, String path) {
		return new AuthRequest("notes", method, path, null, Set.of(), false);
	}

	private static AuthRequest service(String caller, String method, String path) {
		return new AuthRequest("notes", method, path, caller, Set.of(), true);
	}

	private static AuthRequest call(String service, String method, String path) {
		return new AuthRequest(service, method, path, null, Set.of(), true);
	}

}
