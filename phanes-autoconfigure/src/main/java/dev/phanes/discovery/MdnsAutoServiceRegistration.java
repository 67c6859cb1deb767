package dev.phanes.discovery;

import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;

/**
 * Registers the application over mDNS when its web server has started, and says goodbye
 * when shutdown begins.
 */
public class MdnsAutoServiceRegistration extends WebServerAutoServiceRegistration<MdnsRegistration> {

	/**
	 * Create the auto-registration.
	 * @param context the application context
	 * @param registry the mDNS registry
	 * @param properties Spring Cloud's auto-registration properties
	 * @param registration this application's registration
	 */
	public MdnsAutoServiceRegistration(ApplicationContext context, MdnsServiceRegistry registry,
			AutoServiceRegistrationProperties properties, MdnsRegistration registration) {
		super(context, registry, properties, registration);
	}

}
