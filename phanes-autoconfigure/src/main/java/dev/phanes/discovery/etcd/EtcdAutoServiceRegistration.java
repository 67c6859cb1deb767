package dev.phanes.discovery.etcd;

import dev.phanes.discovery.WebServerAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.context.ApplicationContext;

/**
 * Registers the application in etcd when its web server has started, and deletes its key
 * when shutdown begins.
 */
public class EtcdAutoServiceRegistration extends WebServerAutoServiceRegistration<EtcdRegistration> {

	/**
	 * Create the auto-registration.
	 * @param context the application context
	 * @param registry the etcd registry
	 * @param properties Spring Cloud's auto-registration properties
	 * @param registration this application's registration
	 */
	public EtcdAutoServiceRegistration(ApplicationContext context, EtcdServiceRegistry registry,
			AutoServiceRegistrationProperties properties, EtcdRegistration registration) {
		super(context, registry, properties, registration);
	}

}
