package dev.phanes.benchmarks.startup;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application whose start-up is measured. The same source is built twice: once on the
 * WebFlux and Actuator starters alone ({@code plain}) and once with the Phanes starter added
 * ({@code phanes}), so that the difference between the two is what the starter costs.
 * <p>
 * With the system property {@code bench.startup-steps=true} the start-up steps are recorded
 * with a {@link BufferingApplicationStartup}, for the {@code startup} Actuator endpoint. It
 * is off in the timed runs, since recording costs time and memory of its own.
 */
@SpringBootApplication
@RestController
public class StartupApp {

	/**
	 * The number of start-up steps kept when {@code bench.startup-steps} is set.
	 */
	private static final int STEP_CAPACITY = 20_000;

	/**
	 * Answers {@code GET /hello}, the one endpoint of the application.
	 * @return a greeting
	 */
	@GetMapping("/hello")
	String hello() {
		return "hello";
	}

	/**
	 * Starts the application.
	 * @param args the command-line arguments, passed on to Spring Boot
	 */
	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StartupApp.class);
		if (Boolean.getBoolean("bench.startup-steps")) {
			application.setApplicationStartup(new BufferingApplicationStartup(STEP_CAPACITY));
		}
		application.run(args);
	}

}
