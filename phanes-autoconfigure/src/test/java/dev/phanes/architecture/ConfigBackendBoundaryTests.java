package dev.phanes.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The config block's engine-neutral package ({@code dev.phanes.config}: reloads, file
 * watch, live handles) knows nothing of etcd: only the auto-configurations that wire the
 * etcd beans when jetcd is on the class path refer to {@code dev.phanes.config.etcd}.
 * Checked on the production classes.
 */
class ConfigBackendBoundaryTests {

	private static final JavaClasses CONFIG = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.phanes.config");

	@Test
	void onlyTheAutoConfigurationsOfTheNeutralPackageReferToEtcd() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("dev.phanes.config")
			.and()
			.haveNameNotMatching("dev\\.phanes\\.config\\.Config(Health)?AutoConfiguration(\\$.*)?")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.phanes.config.etcd..", "io.etcd..");
		rule.check(CONFIG);
	}

}
