package dev.phanes.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Puts an {@link AvoidingServiceInstanceListSupplier} around the instance-list supplier
 * of a load-balancer client's context, whatever defined it (Spring Cloud's
 * {@code spring.cloud.loadbalancer.configurations}, or the client's own configuration),
 * so that avoidance is the outermost step of the chain. Does nothing while avoidance is
 * off ({@code phanes.loadbalancer.avoid.duration=0}).
 */
final class AvoidingServiceInstanceListSupplierPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<AvoidedInstances> avoided;

	AvoidingServiceInstanceListSupplierPostProcessor(ObjectProvider<AvoidedInstances> avoided) {
		this.avoided = avoided;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ServiceInstanceListSupplier supplier
				&& !(bean instanceof AvoidingServiceInstanceListSupplier)) {
			AvoidedInstances avoided = this.avoided.getIfAvailable();
			if (avoided != null && avoided.isEnabled()) {
				return new AvoidingServiceInstanceListSupplier(supplier, avoided);
			}
		}
		return bean;
	}

}
