/* Corpus replay: the driver that links with a fuzz target's
 * LLVMFuzzerTestOneInput when libFuzzer is not there (normal and ASan
 * builds), so the test suite runs every input of the seed corpus once.
 *
 * Arguments are files or directories (every regular file in them, in name
 * order). A target that crashes fails the test through the crash itself (an
 * abort, or a sanitizer report under the ASan build); a missing or empty
 * corpus, or a file that cannot be read, exits 1. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Most bytes read from one input (libFuzzer's inputs are far smaller). */
#define REPLAY_MAX_INPUT (1024 * 1024)

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = f ? malloc(REPLAY_MAX_INPUT) : NULL;
    size_t n = data ? fread(data, 1, REPLAY_MAX_INPUT, f) : 0;
    int rc = -1;
    uint8_t *exact = data && !ferror(f) && feof(f) ? malloc(n ? n : 1) : NULL;
    if (exact) { /* exactly n bytes, so the sanitizers see a read past the end */
        memcpy(exact, data, n);
        LLVMFuzzerTestOneInput(exact, n);
        rc = 0;
    }
    free(exact);
    if (rc != 0)
        fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    if (f)
        fclose(f);
    return rc;
}

static int is_file(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Runs every file of dir; returns how many ran, or -1 on a read error. */
static int run_dir(const char *dir)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, is_file, alphasort);
    int ran = n < 0 ? -1 : 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (ran >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            ran = run_file(path) == 0 ? ran + 1 : -1;
        free(names[i]);
    }
    free(names);
    if (n < 0)
        fprintf(stderr, "replay: cannot open %s\n", dir);
    return ran;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int ran = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)
                      ? run_dir(argv[i])
                      : (run_file(argv[i]) == 0 ? 1 : -1);
        if (ran < 0)
            return 1;
        total += ran;
    }
    printf("replay: %d inputs\n", total);
    if (total == 0) {
        fprintf(stderr, "replay: no input (usage: %s CORPUS_DIR|FILE…)\n", argv[0]);
        return 1;
    }
    return 0;
}
