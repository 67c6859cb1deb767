package dev.phanes.store.jpa;

import java.util.Optional;

import jakarta.persistence.LockModeType;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/**
 * Spring Data repository of {@link StoreRecordEntity}, created by {@link JpaStore} itself
 * so no repository scanning of the application is needed.
 */
interface StoreRecordRepository extends Repository<StoreRecordEntity, StoreRecordId> {

	Optional<StoreRecordEntity> findById(StoreRecordId id);

	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select e from StoreRecordEntity e where e.id = :id")
	Optional<StoreRecordEntity> findForUpdate(@Param("id") StoreRecordId id);

	StoreRecordEntity save(StoreRecordEntity entity);

	void delete(StoreRecordEntity entity);

	@Modifying
	@Query("delete from StoreRecordEntity e where e.expiresAt is not null and e.expiresAt <= :now")
	int deleteExpired(@Param("now") long now);

}
