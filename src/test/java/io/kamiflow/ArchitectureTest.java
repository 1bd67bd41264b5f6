package io.kamiflow;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house's rooms and the one way their arrows point (docs/architecture.md draws them): foundation rooms
 * ({@code web}, {@code db}, {@code privacy}, {@code security}, {@code ops}, {@code calls}) below the domain ({@code catalog} < {@code inventory}
 * < {@code ordering} < {@code payment} < {@code delivery}, {@code gateway}), the process orchestration
 * ({@code fulfillment}) above them, and the rooms that face people or the engine ({@code storefront},
 * {@code backoffice}, {@code cockpit}, {@code engine}, {@code dev}) on top.
 */
class ArchitectureTest {

    private static final String[] DOMAIN = {"io.kamiflow.catalog..", "io.kamiflow.inventory..",
            "io.kamiflow.ordering..", "io.kamiflow.payment..", "io.kamiflow.delivery..", "io.kamiflow.gateway.."};
    /** What the domain may use of security: who the client is and whom the buyer limits spare. */
    private static final DescribedPredicate<JavaClass> SECURITY_API = DescribedPredicate.describe(
            "security's API (ClientAddress, ExemptAddresses, RateLimitProperties)", type ->
                    type.getName().equals("io.kamiflow.security.ratelimit.ClientAddress")
                            || type.getName().equals("io.kamiflow.security.ratelimit.ExemptAddresses")
                            || type.getName().equals("io.kamiflow.security.ratelimit.RateLimitProperties"));

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.kamiflow");
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("io.kamiflow.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theDomainNeverReachesUpIntoOrchestrationEngineOrTheEdges() {
        noClasses().that().resideInAnyPackage(DOMAIN).should().dependOnClassesThat().resideInAnyPackage(
                        "io.kamiflow.fulfillment..", "io.kamiflow.engine..", "io.kamiflow.cockpit..",
                        "io.kamiflow.storefront..", "io.kamiflow.backoffice..", "io.kamiflow.dev..")
                .check(main);
    }

    @Test
    void theDomainUsesSecurityOnlyThroughItsApi() {
        noClasses().that().resideInAnyPackage(DOMAIN).should().dependOnClassesThat(
                        resideInAnyPackage("io.kamiflow.security..").and(not(SECURITY_API)))
                .check(main);
    }

    @Test
    void paymentKnowsNoGatewayAndFoundationsKnowNoDomain() {
        noClasses().that().resideInAnyPackage("io.kamiflow.calls..").should().dependOnClassesThat().resideInAnyPackage(
                "io.kamiflow.fulfillment..", "io.kamiflow.engine..", "io.kamiflow.cockpit..", "io.kamiflow.storefront..")
                .check(main);
        noClasses().that().resideInAnyPackage("io.kamiflow.payment", "io.kamiflow.ordering..", "io.kamiflow.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage("io.kamiflow.gateway..").check(main);
        noClasses().that().resideInAnyPackage("io.kamiflow.web..", "io.kamiflow.db..", "io.kamiflow.privacy..",
                        "io.kamiflow.security..", "io.kamiflow.ops..", "io.kamiflow.calls..")
                .should().dependOnClassesThat().resideInAnyPackage(DOMAIN).check(main);
    }

    @Test
    void fulfillmentDelegatesAreNamedAfterTheirActivity() {
        noClasses().that().resideOutsideOfPackage("io.kamiflow.fulfillment..")
                .should().implement(org.camunda.bpm.engine.delegate.JavaDelegate.class)
                .check(main);
        noClasses().that().implement(org.camunda.bpm.engine.delegate.JavaDelegate.class)
                .should().haveSimpleNameNotEndingWith("Delegate").check(main);
    }

    /** No room holds more than a fifth of the main code: a room that big says nothing about what it holds. */
    @Test
    void noTopLevelPackageHoldsMoreThanAFifthOfTheCode() throws IOException {
        Path root = Path.of("src/main/java/io/kamiflow");
        Map<String, Long> lines = new TreeMap<>();
        long total = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                long count;
                try (Stream<String> content = Files.lines(file)) {
                    count = content.count();
                }
                total += count;
                Path relative = root.relativize(file);
                if (relative.getNameCount() > 1) {
                    lines.merge(relative.getName(0).toString(), count, Long::sum);
                }
            }
        }
        long all = total;
        assertThat(lines).as("lines per top-level package of %d", all).isNotEmpty()
                .allSatisfy((room, count) -> assertThat(count * 5).as("%s: %d of %d lines", room, count, all)
                        .isLessThanOrEqualTo(all));
    }

    @Test
    void everyPackageSaysWhatItHolds() throws IOException {
        try (Stream<Path> dirs = Files.walk(Path.of("src/main/java/io/kamiflow"), 1)) {
            assertThat(dirs.filter(Files::isDirectory).filter(d -> !d.endsWith("kamiflow")).toList())
                    .isNotEmpty()
                    .allSatisfy(dir -> assertThat(dir.resolve("package-info.java")).exists());
        }
    }
}
