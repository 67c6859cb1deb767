/**
 * An application for tests of the JPA store, outside Phanes' packages.
 */
@NullMarked
package dev.phanes.test.jpa;

import org.jspecify.annotations.NullMarked;
