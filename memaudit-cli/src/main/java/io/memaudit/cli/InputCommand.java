package io.memaudit.cli;

import java.nio.file.Path;

/** A command that reads one input path; error messages about bad input name it. */
interface InputCommand {
    Path input();
}
