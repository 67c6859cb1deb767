package dev.phanes.discovery.etcd;

/**
 * A value under the registry prefix that is not a go-micro service document this
 * application can use; the view ignores it.
 */
public class InvalidRegistryDocumentException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message what is wrong with the document
	 */
	public InvalidRegistryDocumentException(String message) {
		super(message);
	}

}
