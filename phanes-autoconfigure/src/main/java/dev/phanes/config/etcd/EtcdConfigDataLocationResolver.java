package dev.phanes.config.etcd;

import java.util.List;

import dev.phanes.config.ConfigProperties;
import org.springframework.boot.bootstrap.BootstrapRegistry;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.config.ConfigDataLocation;
import org.springframework.boot.context.config.ConfigDataLocationResolver;
import org.springframework.boot.context.config.ConfigDataLocationResolverContext;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Resolves {@code spring.config.import} locations of the form {@code etcd:/prefix/} to
 * {@link EtcdConfigDataResource}s, creating the {@link EtcdConfigClient} from
 * {@code phanes.config.etcd.*} as bound so far, and handing it to the application context
 * when it exists. Registered in {@code META-INF/spring.factories}.
 */
class EtcdConfigDataLocationResolver implements ConfigDataLocationResolver<EtcdConfigDataResource> {

	/**
	 * Prefix of the locations this resolver handles.
	 */
	static final String PREFIX = "etcd:";

	/**
	 * Name of the {@link EtcdConfigClient} bean in the application context.
	 */
	static final String CLIENT_BEAN_NAME = "phanesEtcdConfigClient";

	@Override
	public boolean isResolvable(ConfigDataLocationResolverContext context, ConfigDataLocation location) {
		return location.hasPrefix(PREFIX);
	}

	@Override
	public List<EtcdConfigDataResource> resolve(ConfigDataLocationResolverContext context,
			ConfigDataLocation location) {
		String prefix = prefix(location);
		EtcdConfigClient client = client(context);
		client.addPrefix(prefix);
		return List.of(new EtcdConfigDataResource(prefix, location.isOptional(), client.endpoints()));
	}

	static String prefix(ConfigDataLocation location) {
		String prefix = location.getNonPrefixedValue(PREFIX).strip();
		if (!prefix.startsWith("/")) {
			throw new IllegalArgumentException("Invalid etcd location '" + location
					+ "': the prefix must start with '/', for example etcd:/config/my-service/");
		}
		return prefix.endsWith("/") ? prefix : prefix + "/";
	}

	private static EtcdConfigClient client(ConfigDataLocationResolverContext context) {
		ConfigurableBootstrapContext bootstrap = context.getBootstrapContext();
		if (!bootstrap.isRegistered(EtcdConfigClient.class)) {
			ConfigProperties properties = context.getBinder()
				.bindOrCreate("phanes.config", Bindable.of(ConfigProperties.class));
			bootstrap.register(EtcdConfigClient.class,
					BootstrapRegistry.InstanceSupplier.from(() -> EtcdConfigClient.create(properties.getEtcd())));
			bootstrap.addCloseListener((event) -> {
				if (event.getBootstrapContext().isRegistered(EtcdConfigClient.class)) {
					handOver(event.getApplicationContext(), event.getBootstrapContext().get(EtcdConfigClient.class));
				}
			});
		}
		return bootstrap.get(EtcdConfigClient.class);
	}

	private static void handOver(ConfigurableApplicationContext context, EtcdConfigClient client) {
		context.getBeanFactory().registerSingleton(CLIENT_BEAN_NAME, client);
		if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(CLIENT_BEAN_NAME, client::close);
		}
	}

}
