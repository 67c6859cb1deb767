package dev.phanes.dashboard;

/**
 * A dashboard request refused or failed, answered with a problem detail of the given
 * status.
 */
class DashboardException extends RuntimeException {

	private final int status;

	DashboardException(int status, String detail) {
		super(detail, null, false, false);
		this.status = status;
	}

	int getStatus() {
		return this.status;
	}

}
