package dev.phanes.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;

/**
 * The annotated request mappings of the application's WebFlux or MVC handler mappings,
 * read when asked. Handlers of Spring Boot's own (its error controller) are left out.
 */
final class RequestMappings {

	private RequestMappings() {
	}

	/**
	 * The request mappings of WebFlux's annotated handler mappings.
	 * @param mappings the handler mappings
	 * @return their operations, read on each call
	 */
	static Supplier<List<HttpOperation>> reactive(
			ObjectProvider<org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping> mappings) {
		return () -> read(mappings.orderedStream().map((mapping) -> mapping.getHandlerMethods()).toList(), (info) -> {
			List<String> paths = info.getPatternsCondition()
				.getPatterns()
				.stream()
				.map((pattern) -> pattern.getPatternString())
				.toList();
			return new Mapping(info.getMethodsCondition().getMethods(), paths,
					info.getConsumesCondition().getConsumableMediaTypes(),
					info.getProducesCondition().getProducibleMediaTypes());
		});
	}

	/**
	 * The request mappings of MVC's annotated handler mappings.
	 * @param mappings the handler mappings
	 * @return their operations, read on each call
	 */
	static Supplier<List<HttpOperation>> servlet(
			ObjectProvider<org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping> mappings) {
		return () -> read(mappings.orderedStream().map((mapping) -> mapping.getHandlerMethods()).toList(),
				(info) -> new Mapping(info.getMethodsCondition().getMethods(), List.copyOf(info.getPatternValues()),
						info.getConsumesCondition().getConsumableMediaTypes(),
						info.getProducesCondition().getProducibleMediaTypes()));
	}

	private static <I> List<HttpOperation> read(List<Map<I, HandlerMethod>> handlerMethods,
			Function<I, Mapping> mapping) {
		List<HttpOperation> operations = new ArrayList<>();
		for (Map<I, HandlerMethod> methods : handlerMethods) {
			methods.forEach((info, handler) -> {
				if (handler.getBeanType().getName().startsWith("org.springframework.boot.")) {
					return;
				}
				Mapping read = mapping.apply(info);
				String name = handler.getBeanType().getSimpleName() + "#" + handler.getMethod().getName();
				List<String> methodNames = read.methods().stream().map(RequestMethod::name).sorted().toList();
				for (String path : read.paths()) {
					operations
						.add(HttpOperation.of(methodNames, path, names(read.consumes()), names(read.produces()), name));
				}
			});
		}
		return operations;
	}

	private static List<String> names(Collection<MediaType> types) {
		return types.stream().map(MediaType::toString).sorted().toList();
	}

	private record Mapping(Set<RequestMethod> methods, Collection<String> paths, Set<MediaType> consumes,
			Set<MediaType> produces) {

	}

}
