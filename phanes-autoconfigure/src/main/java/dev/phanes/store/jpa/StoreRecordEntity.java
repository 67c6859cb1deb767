package dev.phanes.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * One record of the JPA store, a row of {@code phanes_store} (see
 * {@code dev/phanes/store/jpa/schema-postgresql.sql}). The store reads it through JPQL
 * projections and writes it with native statements, so instances are never managed.
 */
@Entity
@Table(name = "phanes_store")
public class StoreRecordEntity {

	@EmbeddedId
	private StoreRecordId id;

	@Column(name = "record_value", nullable = false)
	private byte[] value;

	@Column(name = "metadata")
	private byte @Nullable [] metadata;

	@Column(name = "expires_at")
	private @Nullable Long expiresAt;

	@Column(name = "version", nullable = false)
	private long version;

	protected StoreRecordEntity() {
	}

	/**
	 * The primary key.
	 * @return the id
	 */
	public StoreRecordId getId() {
		return this.id;
	}

}
