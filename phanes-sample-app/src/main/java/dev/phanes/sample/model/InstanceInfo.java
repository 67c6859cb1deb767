package dev.phanes.sample.model;

/**
 * Which instance of a service answered.
 *
 * @param serviceId the service id it registered under
 * @param instanceId its instance id, unique on the network
 * @param uri where peers call it
 */
public record InstanceInfo(String serviceId, String instanceId, String uri) {

}
