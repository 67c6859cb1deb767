package dev.phanes.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Puts an {@link EjectingServiceInstanceListSupplier} around the instance-list supplier
 * of a load-balancer client's context, whatever defined it (Spring Cloud's
 * {@code spring.cloud.loadbalancer.configurations}, or the client's own configuration),
 * so that ejection is the outermost step of the chain. Does nothing while ejection is off
 * ({@code phanes.loadbalancer.outlier.base-ejection-time=0}).
 */
final class EjectingServiceInstanceListSupplierPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<OutlierEjection> ejection;

	EjectingServiceInstanceListSupplierPostProcessor(ObjectProvider<OutlierEjection> ejection) {
		this.ejection = ejection;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof ServiceInstanceListSupplier supplier
				&& !(bean instanceof EjectingServiceInstanceListSupplier)) {
			OutlierEjection ejection = this.ejection.getIfAvailable();
			if (ejection != null && ejection.isEnabled()) {
				return new EjectingServiceInstanceListSupplier(supplier, ejection);
			}
		}
		return bean;
	}

}
