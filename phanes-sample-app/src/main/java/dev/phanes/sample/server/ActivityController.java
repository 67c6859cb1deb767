package dev.phanes.sample.server;

import java.util.List;

import dev.phanes.sample.event.NoteActivity;
import dev.phanes.sample.event.NoteCreated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows what the event listener heard: the notes created most recently.
 */
@RestController
class ActivityController {

	private final NoteActivity activity;

	ActivityController(NoteActivity activity) {
		this.activity = activity;
	}

	@GetMapping("/activity")
	List<NoteCreated> activity() {
		return this.activity.recent();
	}

}
