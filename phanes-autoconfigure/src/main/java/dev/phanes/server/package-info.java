/**
 * The web server a Phanes service answers on: fixes that every service needs whatever its
 * blocks, kept here so that no block reaches into the server.
 */
@NullMarked
package dev.phanes.server;

import org.jspecify.annotations.NullMarked;
