package dev.phanes.store.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Persistable;

/**
 * One record of the JPA store, a row of {@code phanes_store} (see
 * {@code dev/phanes/store/jpa/schema-postgresql.sql}).
 */
@Entity
@Table(name = "phanes_store")
public class StoreRecordEntity implements Persistable<StoreRecordId> {

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

	@Transient
	private boolean isNew;

	protected StoreRecordEntity() {
	}

	StoreRecordEntity(StoreRecordId id) {
		this.id = id;
		this.isNew = true;
	}

	@Override
	public StoreRecordId getId() {
		return this.id;
	}

	@Override
	public boolean isNew() {
		return this.isNew;
	}

	byte[] getValue() {
		return this.value;
	}

	byte @Nullable [] getMetadata() {
		return this.metadata;
	}

	@Nullable Long getExpiresAt() {
		return this.expiresAt;
	}

	long getVersion() {
		return this.version;
	}

	void update(byte[] value, byte @Nullable [] metadata, @Nullable Long expiresAt, long version) {
		this.value = value;
		this.metadata = metadata;
		this.expiresAt = expiresAt;
		this.version = version;
	}

}
