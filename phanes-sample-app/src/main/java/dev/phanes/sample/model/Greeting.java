package dev.phanes.sample.model;

/**
 * What {@code /greeting} answers.
 *
 * @param message the configured message
 * @param shout whether the shout flag is on
 * @param text the greeting as shown
 */
public record Greeting(String message, boolean shout, String text) {

}
