package dev.phanes.auth;

import java.io.IOException;
import java.util.Collections;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates and authorizes every request to a Spring MVC (servlet) application before
 * anything else of the application sees it; the principal of an accepted token is the
 * request attribute {@link AuthPrincipal#ATTRIBUTE}. Runs after the observation filter,
 * so refused requests are traced and measured, and before Spring Security's filter chain.
 */
public class AuthServletFilter extends OncePerRequestFilter implements Ordered {

	private final Authorizer authorizer;

	/**
	 * Create the filter.
	 * @param authorizer decides each request
	 */
	public AuthServletFilter(Authorizer authorizer) {
		this.authorizer = authorizer;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String rawPath = request.getRequestURI().substring(request.getContextPath().length());
		Authorizer.Outcome outcome = this.authorizer.authorize(request.getMethod(), rawPath,
				Collections.list(request.getHeaders("Authorization")));
		if (outcome.allowed()) {
			if (outcome.principal() != null) {
				request.setAttribute(AuthPrincipal.ATTRIBUTE, outcome.principal());
			}
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(outcome.status());
		if (outcome.status() == 401) {
			response.setHeader("WWW-Authenticate", AuthProblem.wwwAuthenticate(outcome));
		}
		response.setContentType(AuthProblem.CONTENT_TYPE);
		byte[] body = AuthProblem.body(outcome, rawPath);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		// the error page of a request that was let through
		return true;
	}

	@Override
	public int getOrder() {
		return Authorizer.FILTER_ORDER;
	}

}
