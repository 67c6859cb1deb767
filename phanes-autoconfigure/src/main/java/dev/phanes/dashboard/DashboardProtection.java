package dev.phanes.dashboard;

import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;

/**
 * Refuses to start an application that serves the dashboard with nothing in front of it:
 * the page shows every service's endpoints, logs and traces. Protection is a security
 * filter of the application's: Phanes' auth block ({@code phanes.auth.enabled}) or Spring
 * Security's reactive filter chain. {@code phanes.dashboard.allow-unprotected} lets a
 * machine of one's own go without.
 */
class DashboardProtection implements SmartInitializingSingleton {

	/**
	 * The filters that protect the page, by class name: the dashboard depends on neither.
	 */
	static final List<String> FILTERS = List.of("dev.phanes.auth.AuthWebFilter",
			"org.springframework.security.web.server.WebFilterChainProxy");

	private final ListableBeanFactory beans;

	private final DashboardProperties properties;

	DashboardProtection(ListableBeanFactory beans, DashboardProperties properties) {
		this.beans = beans;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.properties.isAllowUnprotected() || isProtected()) {
			return;
		}
		throw new IllegalStateException("The Phanes dashboard (phanes.dashboard.enabled=true) shows every service's "
				+ "endpoints, logs and traces, and nothing protects it: turn on Phanes' auth block "
				+ "(phanes.auth.enabled=true, with rules that admit the people who may see it) or add Spring Security, "
				+ "or, on a machine of your own, set phanes.dashboard.allow-unprotected=true.");
	}

	boolean isProtected() {
		ClassLoader loader = getClass().getClassLoader();
		for (String name : FILTERS) {
			if (ClassUtils.isPresent(name, loader) && this.beans
				.getBeanNamesForType(ClassUtils.resolveClassName(name, loader), true, false).length > 0) {
				return true;
			}
		}
		return false;
	}

}
