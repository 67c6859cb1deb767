package dev.phanes.config.etcd;

import java.util.List;
import java.util.Objects;

import org.springframework.boot.context.config.ConfigDataResource;

/**
 * One etcd prefix named by a {@code spring.config.import} location.
 */
class EtcdConfigDataResource extends ConfigDataResource {

	private final String prefix;

	private final boolean optional;

	private final List<String> endpoints;

	EtcdConfigDataResource(String prefix, boolean optional, List<String> endpoints) {
		super(optional);
		this.prefix = prefix;
		this.optional = optional;
		this.endpoints = endpoints;
	}

	/**
	 * The etcd prefix, ending in {@code /}.
	 * @return the prefix
	 */
	String getPrefix() {
		return this.prefix;
	}

	boolean optional() {
		return this.optional;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof EtcdConfigDataResource resource && this.prefix.equals(resource.prefix)
				&& this.optional == resource.optional;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.prefix, this.optional);
	}

	@Override
	public String toString() {
		return "etcd prefix " + this.prefix + " at " + this.endpoints;
	}

}
