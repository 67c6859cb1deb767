package dev.phanes.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import org.springframework.boot.convert.DurationStyle;

/**
 * Reads a duration option the way Spring Boot reads duration properties ({@code 500ms},
 * {@code 2s}, {@code 1m}, ISO-8601 {@code PT2S}); a bare number is seconds.
 */
class DurationConverter implements ITypeConverter<Duration> {

	@Override
	public Duration convert(String value) {
		Duration duration;
		try {
			duration = DurationStyle.detectAndParse(value.trim(), ChronoUnit.SECONDS);
		}
		catch (IllegalArgumentException ex) {
			throw new TypeConversionException(
					"'" + value + "' is not a duration; use for example 500ms, 2s or 1m (a bare number is seconds)");
		}
		if (duration.isNegative()) {
			throw new TypeConversionException("'" + value + "' is negative; a duration must not be");
		}
		return duration;
	}

}
