package dev.phanes.config;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * A record bound through its constructor: not rebindable in place.
 *
 * @param burst the burst size
 */
@ConfigurationProperties("limits")
@Validated
public record Limits(@DefaultValue("5") @Min(1) int burst) {

}
