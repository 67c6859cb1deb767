package dev.phanes.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up failure caused by a store backend that lacks a library or bean.
 */
class StoreBackendFailureAnalyzer extends AbstractFailureAnalyzer<StoreBackendUnavailableException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, StoreBackendUnavailableException cause) {
		return new FailureAnalysis(cause.getMessage(),
				cause.getAction() + ", or choose another backend with phanes.store.type (memory needs nothing).",
				cause);
	}

}
