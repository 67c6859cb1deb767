package dev.phanes.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreErrorsBindHandler;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.cloud.context.properties.ConfigurationPropertiesBeans;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;
import org.springframework.util.ClassUtils;

/**
 * Binds fresh instances of every {@code @ConfigurationProperties} bean (and of the types
 * of {@link LiveProperties} handles) to candidate property sources, with the same
 * validation as at start-up ({@code @Validated} with Bean Validation, a
 * {@code configurationPropertiesValidator} bean, a bean that is a {@link Validator}), so
 * that a reload can refuse values before any bean is reset. The beans themselves are not
 * touched. Thread-safe.
 */
public class ConfigurationCandidateValidator implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ConfigurationCandidateValidator.class);

	private static final boolean BEAN_VALIDATION_PRESENT = ClassUtils.isPresent("jakarta.validation.Validator", null)
			&& ClassUtils.isPresent("jakarta.validation.bootstrap.GenericBootstrap", null);

	private final ConfigurableApplicationContext context;

	private final ConfigurationPropertiesBeans beans;

	private volatile @Nullable Validator beanValidator;

	private final Map<String, Target> targets = new ConcurrentHashMap<>();

	/**
	 * Create a validator.
	 * @param context the application context
	 * @param beans the {@code @ConfigurationProperties} beans Spring Cloud Context
	 * rebinds
	 */
	public ConfigurationCandidateValidator(ConfigurableApplicationContext context, ConfigurationPropertiesBeans beans) {
		this.context = context;
		this.beans = beans;
	}

	/**
	 * Bind and validate against candidate sources.
	 * @param candidate the candidate property sources
	 * @param liveTypes the types of live handles, bound under their own prefixes
	 * @return what fails, one line per property (empty if everything binds)
	 */
	public List<String> validate(MutablePropertySources candidate, Collection<Class<?>> liveTypes) {
		return validate(candidate, liveTypes, (prefix) -> true);
	}

	/**
	 * Bind and validate, against candidate sources, the beans and live handles whose
	 * prefix a change affects; the others bind as before.
	 * @param candidate the candidate property sources
	 * @param liveTypes the types of live handles, bound under their own prefixes
	 * @param affected whether a prefix is affected by the change
	 * @return what fails, one line per property (empty if everything binds)
	 */
	public List<String> validate(MutablePropertySources candidate, Collection<Class<?>> liveTypes,
			Predicate<String> affected) {
		Binder binder = new Binder(ConfigurationPropertySources.from(candidate),
				new PropertySourcesPlaceholdersResolver(candidate), conversionService());
		List<String> problems = new ArrayList<>();
		for (String name : beanNames(affected)) {
			Target target = this.targets.get(name);
			if (target != null && this.context.containsBean(name)) {
				Object bean = this.context.getBean(name);
				check(binder, target.annotation(), target.bindable(),
						bean instanceof Validator validator ? validator : null, problems);
			}
		}
		for (Class<?> type : liveTypes) {
			ConfigurationProperties annotation = LiveProperties.annotation(type);
			if (affected.test(prefix(annotation))) {
				check(binder, annotation, LiveProperties.bindable(type), null, problems);
			}
		}
		return List.copyOf(new java.util.LinkedHashSet<>(problems));
	}

	/**
	 * Return the {@code @ConfigurationProperties} beans Spring Cloud Context rebinds
	 * whose prefix a change affects.
	 * @param affected whether a prefix is affected by the change
	 * @return their bean names
	 */
	public List<String> beanNames(Predicate<String> affected) {
		List<String> names = new ArrayList<>();
		for (String name : this.beans.getBeanNames()) {
			Target target = target(name);
			if (target != null && affected.test(prefix(target.annotation()))) {
				names.add(name);
			}
		}
		return names;
	}

	// A bean's bind target never changes, so it is looked up once, not on every reload.
	private @Nullable Target target(String name) {
		Target target = this.targets.get(name);
		if (target != null || !this.context.containsBean(name)) {
			return target;
		}
		ConfigurationPropertiesBean propertiesBean = ConfigurationPropertiesBean.get(this.context,
				this.context.getBean(name), name);
		if (propertiesBean == null) {
			return null;
		}
		Bindable<?> bindTarget = propertiesBean.asBindTarget();
		target = new Target(propertiesBean.getAnnotation(),
				Bindable.of(bindTarget.getType())
					.withAnnotations(bindTarget.getAnnotations())
					.withBindMethod(bindTarget.getBindMethod()));
		this.targets.put(name, target);
		return target;
	}

	private static String prefix(ConfigurationProperties annotation) {
		return annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
	}

	private void check(Binder binder, ConfigurationProperties annotation, Bindable<?> target,
			@Nullable Validator selfValidator, List<String> problems) {
		String prefix = prefix(annotation);
		try {
			binder.bindOrCreate(prefix, target, handler(annotation, target, selfValidator));
		}
		catch (BindException ex) {
			problems.addAll(describe(prefix, ex));
		}
		catch (RuntimeException ex) {
			// A type the binder cannot create on its own (no usable constructor): it is
			// rebound as Spring Cloud Context does, without this check.
			logger.debug("Cannot check " + target.getType() + " before a reload", ex);
		}
	}

	private BindHandler handler(ConfigurationProperties annotation, Bindable<?> target,
			@Nullable Validator selfValidator) {
		BindHandler handler = new IgnoreTopLevelConverterNotFoundBindHandler();
		if (annotation.ignoreInvalidFields()) {
			handler = new IgnoreErrorsBindHandler(handler);
		}
		if (!annotation.ignoreUnknownFields()) {
			handler = new NoUnboundElementsBindHandler(handler);
		}
		List<Validator> validators = new ArrayList<>();
		if (this.context.containsBean("configurationPropertiesValidator")) {
			validators.add(this.context.getBean("configurationPropertiesValidator", Validator.class));
		}
		if (target.getAnnotation(Validated.class) != null && BEAN_VALIDATION_PRESENT) {
			validators.add(beanValidator());
		}
		if (selfValidator != null) {
			validators.add(selfValidator);
		}
		return validators.isEmpty() ? handler
				: new ValidationBindHandler(handler, validators.toArray(Validator[]::new));
	}

	private Validator beanValidator() {
		Validator validator = this.beanValidator;
		if (validator == null) {
			validator = BeanValidation.create(this.context);
			this.beanValidator = validator;
		}
		return validator;
	}

	private ConversionService conversionService() {
		ConversionService conversionService = this.context.getBeanFactory().getConversionService();
		return (conversionService != null) ? conversionService : ApplicationConversionService.getSharedInstance();
	}

	static List<String> describe(String prefix, BindException ex) {
		List<String> problems = new ArrayList<>();
		if (ex.getCause() instanceof BindValidationException validation) {
			for (ObjectError error : validation.getValidationErrors()) {
				if (error instanceof FieldError field) {
					problems.add(prefix + "." + DataObjectPropertyName.toDashedForm(field.getField()) + ": "
							+ field.getDefaultMessage() + " (value " + field.getRejectedValue() + ")");
				}
				else {
					problems.add(prefix + ": " + error.getDefaultMessage());
				}
			}
			return problems;
		}
		String property = (ex.getProperty() != null)
				? ex.getProperty().getName() + " (value " + ex.getProperty().getValue() + ")" : ex.getName().toString();
		Throwable cause = ex.getCause();
		while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		problems.add(property + ": " + ((cause != null) ? cause.getMessage() : ex.getMessage()));
		return problems;
	}

	/**
	 * Close the Bean Validation factory, if one was made.
	 * @throws Exception if it cannot be closed
	 */
	@Override
	public void destroy() throws Exception {
		if (this.beanValidator instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

	/**
	 * What a bean is bound as: its annotation and a bind target for fresh instances.
	 *
	 * @param annotation the bean's {@code @ConfigurationProperties}
	 * @param bindable a target of its type, annotations and bind method, with no value
	 */
	private record Target(ConfigurationProperties annotation, Bindable<?> bindable) {

	}

	// Loaded only when Bean Validation is on the class path.
	private static final class BeanValidation {

		static Validator create(ConfigurableApplicationContext context) {
			LocalValidatorFactoryBean validator = new LocalValidatorFactoryBean();
			validator.setApplicationContext(context);
			validator.afterPropertiesSet();
			return validator;
		}

	}

}
