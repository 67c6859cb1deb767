package dev.phanes.observation;

import java.util.List;

/**
 * The observations one block records, as a bean: the collectors read every such bean to
 * describe and cap the meters of the blocks that are present, without depending on them.
 *
 * @param observations the observations
 */
public record DocumentedObservations(List<PhanesObservationDocumentation> observations) {

	/**
	 * Create the bean for a block.
	 * @param observations the block's observations, usually its enum's {@code values()}
	 * @return the bean
	 */
	public static DocumentedObservations of(PhanesObservationDocumentation... observations) {
		return new DocumentedObservations(List.of(observations));
	}

}
