package dev.phanes.test;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a real etcd server ({@link EtcdServer}) for one test class and kills it after
 * the class; injects it as an {@link EtcdServer} parameter. Without the {@code etcd}
 * program each test of the class is skipped with the reason, or fails on CI
 * ({@link Prerequisites}).
 */
public final class EtcdExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, ParameterResolver {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EtcdExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		String executable = EtcdServer.executable();
		if (executable != null) {
			context.getStore(NAMESPACE).put(EtcdServer.class, new EtcdServer(executable));
		}
	}

	/**
	 * Checked per test, not per class: a class aborted before its first test is reported
	 * by Maven as "Tests run: 0", hiding that its tests were skipped.
	 */
	@Override
	public void beforeEach(ExtensionContext context) {
		Prerequisites.require(context.getStore(NAMESPACE).get(EtcdServer.class, EtcdServer.class) != null,
				"the etcd program (/usr/bin/etcd or on the PATH; Debian package etcd-server)");
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EtcdServer server = context.getStore(NAMESPACE).remove(EtcdServer.class, EtcdServer.class);
		if (server != null) {
			server.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == EtcdServer.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return extensionContext.getStore(NAMESPACE).get(EtcdServer.class, EtcdServer.class);
	}

}
