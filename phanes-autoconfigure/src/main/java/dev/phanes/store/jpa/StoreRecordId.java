package dev.phanes.store.jpa;

import java.io.Serializable;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Primary key of {@link StoreRecordEntity}: database, table and key.
 */
@Embeddable
public class StoreRecordId implements Serializable {

	private static final String BYTEWISE_TEXT = "text collate \"C\"";

	@Column(name = "database_name", nullable = false, columnDefinition = BYTEWISE_TEXT)
	private String databaseName;

	@Column(name = "table_name", nullable = false, columnDefinition = BYTEWISE_TEXT)
	private String tableName;

	@Column(name = "record_key", nullable = false, columnDefinition = BYTEWISE_TEXT)
	private String recordKey;

	protected StoreRecordId() {
	}

	StoreRecordId(String databaseName, String tableName, String recordKey) {
		this.databaseName = databaseName;
		this.tableName = tableName;
		this.recordKey = recordKey;
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof StoreRecordId that) && this.databaseName.equals(that.databaseName)
				&& this.tableName.equals(that.tableName) && this.recordKey.equals(that.recordKey);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.databaseName, this.tableName, this.recordKey);
	}

}
