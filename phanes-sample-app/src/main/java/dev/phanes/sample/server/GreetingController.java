package dev.phanes.sample.server;

import java.util.Locale;

import dev.phanes.sample.config.GreetingProperties;
import dev.phanes.sample.model.Greeting;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows the current {@link GreetingProperties}: change them in the imported file or in
 * etcd and the next request shows the new values.
 */
@RestController
class GreetingController {

	private final GreetingProperties greeting;

	GreetingController(GreetingProperties greeting) {
		this.greeting = greeting;
	}

	@GetMapping("/greeting")
	Greeting greeting() {
		String message = this.greeting.getMessage();
		boolean shout = this.greeting.isShout();
		return new Greeting(message, shout, shout ? message.toUpperCase(Locale.ROOT) + "!" : message);
	}

}
