/**
 * Configuration properties of the sample, reloaded without restart by Phanes' config
 * block.
 */
@NullMarked
package dev.phanes.sample.config;

import org.jspecify.annotations.NullMarked;
