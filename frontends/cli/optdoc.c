/* shadow86-optdoc: the build's renderer of frontends/cli/options.def into
 * the forms that are not --help (not installed).
 *
 *   shadow86-optdoc markdown OUT          README.md's options tables
 *   shadow86-optdoc man TEMPLATE OUT      the man page: TEMPLATE with the
 *                                         lines @OPTIONS@, @NOTES@ and
 *                                         @EXIT_STATUS@ replaced
 */
#include <stdio.h>
#include <string.h>

#include "frontends/cli/options.h"

static int render_man(const char *template, FILE *out)
{
    FILE *in = fopen(template, "r");
    if (!in) {
        perror(template);
        return -1;
    }
    char line[4096];
    while (fgets(line, sizeof line, in)) {
        if (strcmp(line, "@OPTIONS@\n") == 0)
            cli_print_options(out, CLI_DOC_MAN);
        else if (strcmp(line, "@NOTES@\n") == 0)
            cli_print_notes(out, CLI_DOC_MAN);
        else if (strcmp(line, "@EXIT_STATUS@\n") == 0)
            cli_print_exit_status(out, CLI_DOC_MAN);
        else
            fputs(line, out);
    }
    fclose(in);
    return 0;
}

int main(int argc, char **argv)
{
    int man = argc == 4 && strcmp(argv[1], "man") == 0;
    int md = argc == 3 && strcmp(argv[1], "markdown") == 0;
    if (!man && !md) {
        fprintf(stderr, "usage: shadow86-optdoc markdown OUT | man TEMPLATE OUT\n");
        return 2;
    }
    const char *path = argv[argc - 1];
    FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!out) {
        perror(path);
        return 1;
    }
    int rc = 0;
    if (man)
        rc = render_man(argv[2], out);
    else
        cli_print_options(out, CLI_DOC_MARKDOWN);
    if (out != stdout && fclose(out) != 0) {
        perror(path);
        rc = -1;
    }
    return rc ? 1 : 0;
}
