package io.kamiflow.engine.migration;

import java.util.NoSuchElementException;

import io.kamiflow.web.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/admin/process-migrations}: the owner's command (the admin API admits kamiflow-admin only) to move
 * running instances between versions, dry run by default. 200 with the report for a dry run, 202 with the batch for a
 * real run, 400 problem+json (detail and the list of problems) for a plan Camunda refuses, 404 for a missing version.
 */
@RestController
class ProcessMigrationController {

    private final ProcessMigrations migrations;

    ProcessMigrationController(ProcessMigrations migrations) {
        this.migrations = migrations;
    }

    @PostMapping("/api/admin/process-migrations")
    ResponseEntity<ProcessMigrations.Report> migrate(@RequestBody ProcessMigrations.Request request) {
        try {
            ProcessMigrations.Report report = migrations.migrate(request);
            return ResponseEntity.status(report.dryRun() ? HttpStatus.OK : HttpStatus.ACCEPTED).body(report);
        } catch (IllegalArgumentException e) {
            throw Problems.badRequest(e.getMessage());
        } catch (NoSuchElementException e) {
            throw Problems.notFound(e.getMessage());
        } catch (ProcessMigrations.InvalidPlan e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "the migration plan is invalid: " + e.getMessage());
            problem.setProperty("problems", e.problems());
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, e);
        }
    }
}
