/**
 * The Auth block: every service has an identity, every call carries its token, and
 * go-micro-style rules decide, reloaded with the configuration and denying by default.
 * {@link dev.phanes.auth.Authorizer} decides each request for the servlet and the
 * reactive filter; {@link dev.phanes.auth.OutgoingTokens} and
 * {@link dev.phanes.auth.IncomingTokens} are the seams of the key model (embedded keys in
 * a shared directory by default).
 */
@NullMarked
package dev.phanes.auth;

import org.jspecify.annotations.NullMarked;
