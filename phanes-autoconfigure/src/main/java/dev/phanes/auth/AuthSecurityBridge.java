package dev.phanes.auth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Hands the caller Phanes' filter accepted to Spring Security, so that the application's
 * own security configuration (or Boot's default one) sees an authenticated request: a
 * {@link PreAuthenticatedAuthenticationToken} whose principal is the
 * {@link AuthPrincipal} and whose authorities are {@code SCOPE_<scope>} for each scope
 * and {@code SERVICE_<name>} for a calling service. Added to every security filter chain
 * by {@code Customizer<HttpSecurity>} and {@code Customizer<ServerHttpSecurity>} beans
 * (Spring Security 7 applies them to every chain it builds).
 */
final class AuthSecurityBridge {

	private AuthSecurityBridge() {
	}

	/**
	 * Return the Spring Security authentication of a principal.
	 * @param principal the caller
	 * @return its authentication
	 */
	static Authentication authentication(AuthPrincipal principal) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		principal.scopes().forEach((scope) -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope)));
		if (principal.service() != null) {
			authorities.add(new SimpleGrantedAuthority("SERVICE_" + principal.service()));
		}
		return new PreAuthenticatedAuthenticationToken(principal, "", authorities);
	}

	/**
	 * The servlet filter, placed before Spring Security's anonymous authentication.
	 */
	static final class ServletFilter extends OncePerRequestFilter {

		private final SecurityContextHolderStrategy strategy;

		private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

		ServletFilter(SecurityContextHolderStrategy strategy) {
			this.strategy = strategy;
		}

		ServletFilter() {
			this(SecurityContextHolder.getContextHolderStrategy());
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			Object principal = request.getAttribute(AuthPrincipal.ATTRIBUTE);
			Authentication current = this.strategy.getContext().getAuthentication();
			if (principal instanceof AuthPrincipal caller && (current == null || !current.isAuthenticated())) {
				SecurityContext context = this.strategy.createEmptyContext();
				context.setAuthentication(authentication(caller));
				this.strategy.setContext(context);
				this.repository.saveContext(context, request, response);
			}
			chain.doFilter(request, response);
		}

	}

	/**
	 * The reactive filter, at Spring Security's authentication position.
	 */
	static final class ReactiveFilter implements WebFilter {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			AuthPrincipal caller = exchange.getAttribute(AuthPrincipal.ATTRIBUTE);
			if (caller == null) {
				return chain.filter(exchange);
			}
			return chain.filter(exchange)
				.contextWrite(ReactiveSecurityContextHolder.withAuthentication(authentication(caller)));
		}

	}

}
