package dev.phanes.collector;

/**
 * The shape of W3C trace ids.
 */
final class TraceIds {

	private TraceIds() {
	}

	/**
	 * Whether a string is a trace id: 32 lowercase hexadecimal digits, not all zero.
	 * @param value the string
	 * @return whether it is a valid trace id
	 */
	static boolean isValid(String value) {
		if (value.length() != 32) {
			return false;
		}
		boolean nonZero = false;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
			nonZero |= c != '0';
		}
		return nonZero;
	}

}
