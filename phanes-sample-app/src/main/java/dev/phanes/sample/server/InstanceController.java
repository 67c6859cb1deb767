package dev.phanes.sample.server;

import dev.phanes.sample.model.InstanceInfo;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which instance this is, as registered with discovery: what {@code /peer/instance}
 * shows of the instance the load balancer chose.
 */
@RestController
class InstanceController {

	private final Registration registration;

	InstanceController(Registration registration) {
		this.registration = registration;
	}

	@GetMapping("/instance")
	InstanceInfo instance() {
		return InstanceInfo.of(this.registration);
	}

}
