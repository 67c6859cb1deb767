package dev.phanes.event;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * Subscribes the {@link Subscribe @Subscribe} methods of beans once every singleton
 * exists, and cancels those subscriptions when the context closes.
 */
final class SubscribeAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware, DisposableBean {

	private final List<Target> targets = new CopyOnWriteArrayList<>();

	private final List<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();

	private @Nullable ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableBeanFactory) beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		Map<Method, Subscribe> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<Subscribe>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, Subscribe.class));
		methods.forEach((method, subscribe) -> {
			if (method.getParameterCount() != 1) {
				throw new IllegalStateException(
						"@Subscribe method " + method + " must take one parameter: the " + "payload or Event<payload>");
			}
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			ReflectionUtils.makeAccessible(invocable);
			this.targets.add(new Target(bean, invocable, ResolvableType.forMethodParameter(method, 0), subscribe));
		});
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableBeanFactory factory = this.beanFactory;
		if (factory == null) {
			return;
		}
		EventBus bus = factory.getBean(EventBus.class);
		String defaultGroup = EventAutoConfiguration.applicationGroup(factory.getBean(EventProperties.class),
				factory.getBean(Environment.class));
		for (Target target : this.targets) {
			this.subscriptions.add(target.subscribe(bus, factory, defaultGroup));
		}
		this.targets.clear();
	}

	@Override
	public void destroy() {
		this.subscriptions.forEach(EventSubscription::cancel);
		this.subscriptions.clear();
	}

	private record Target(Object bean, Method method, ResolvableType parameter, Subscribe subscribe) {

		EventSubscription subscribe(EventBus bus, ConfigurableBeanFactory factory, String defaultGroup) {
			String topic = factory.resolveEmbeddedValue(this.subscribe.topic());
			String group = StringUtils.hasText(this.subscribe.group())
					? factory.resolveEmbeddedValue(this.subscribe.group()) : defaultGroup;
			if (!StringUtils.hasText(topic) || !StringUtils.hasText(group)) {
				throw new IllegalStateException("@Subscribe method " + this.method + " needs a topic and a group");
			}
			boolean envelope = this.parameter.toClass() == Event.class;
			Class<?> type = envelope ? this.parameter.getGeneric(0).toClass() : this.parameter.toClass();
			return bus.subscribe(topic, group, type, (event) -> invoke(envelope ? event : event.payload()));
		}

		private void invoke(Object argument) throws Exception {
			try {
				this.method.invoke(this.bean, argument);
			}
			catch (InvocationTargetException ex) {
				Throwable cause = ex.getTargetException();
				if (cause instanceof Exception exception) {
					throw exception;
				}
				throw (Error) cause;
			}
		}

	}

}
