package dev.phanes.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One package per block, and no block reaches into another: a block's classes (its
 * package and subpackages, such as {@code store.file}) depend only on themselves, on
 * libraries and on the shared {@code dev.phanes.observation} package, which holds no
 * block's logic; and JmDNS's implementation classes ({@code javax.jmdns.impl}) are used
 * by discovery's transport only. Checked on the production classes.
 */
class BlockBoundariesTests {

	private static final JavaClasses PHANES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.phanes");

	@Test
	void noBlockDependsOnAnotherBlock() {
		ArchRule rule = slices().matching("dev.phanes.(*)..")
			.namingSlices("block $1")
			.should()
			.notDependOnEachOther()
			.ignoreDependency(alwaysTrue(), resideInAPackage("dev.phanes.observation.."));
		rule.check(PHANES);
	}

	@Test
	void theSharedObservationPackageDependsOnNoBlock() {
		ArchRule rule = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("dev.phanes.observation..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.phanes.collector..", "dev.phanes.config..", "dev.phanes.discovery..",
					"dev.phanes.event..", "dev.phanes.loadbalancer..", "dev.phanes.server..", "dev.phanes.store..");
		rule.check(PHANES);
	}

	@Test
	void onlyTheMdnsTransportUsesJmdnsImplementationClasses() {
		ArchRule rule = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
			.that()
			.haveNameNotMatching("dev\\.phanes\\.discovery\\.(MdnsTransport|JmdnsRecords|JmdnsAnnouncer)(\\$.*)?")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("javax.jmdns.impl..")
			.because("the transport gives the rest of discovery records as values and a small API of its own");
		rule.check(PHANES);
	}

	@Test
	void theCheckSeesEveryBlock() {
		assertThat(PHANES.stream().map((javaClass) -> javaClass.getPackageName().split("\\.")[2]).distinct())
			.contains("collector", "config", "discovery", "event", "loadbalancer", "observation", "server", "store");
	}

}
