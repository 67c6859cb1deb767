package dev.phanes.event.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender's count of a record's bytes in the producer's buffer, against the upper
 * bound the producer itself sizes a batch by.
 */
class KafkaEventSenderTests {

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = { "null, 0, 0", "key-1, 1, 0", "ключ-日本-🙂, 12, 3", "k, 1048576, 1",
			"a-longer-key-of-forty-characters-exactly, 0, 40" })
	void countsNoLessThanTheProducersUpperBoundOfARecord(@Nullable String key, int valueBytes, int headerCount) {
		byte[] value = new byte[valueBytes];
		List<Header> headers = new ArrayList<>();
		for (int i = 0; i < headerCount; i++) {
			headers.add(new RecordHeader("phanes-header-" + i + "-ü", ("value " + i).getBytes(StandardCharsets.UTF_8)));
		}
		ProducerRecord<String, byte[]> record = new ProducerRecord<>("topic", null, key, value, headers);
		int producers = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
				CompressionType.NONE, (key != null) ? key.getBytes(StandardCharsets.UTF_8) : null, value,
				headers.toArray(Header[]::new));
		assertThat(KafkaEventSender.bufferedSize(record)).isGreaterThanOrEqualTo(producers);
	}

}
