/* Fuzzes ui_lang_pick on arbitrary ui_locales and Accept-Language values
 * (both from the user agent). The input is the ui_locales value, a newline,
 * then the Accept-Language value; without a newline, ui_locales is absent
 * and the whole input is Accept-Language. Checks that the answer is one of
 * the languages we speak, and that an absent ui_locales defers to
 * Accept-Language. */
#include "fuzz.h"
#include "ui/ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena_t *a = arena_new(FUZZ_ARENA_CAP);
    char *accept = NULL;
    char *first = a ? fuzz_split(a, data, size, '\n', &accept) : NULL;
    if (first) {
        const char *locales = accept ? first : NULL;
        accept = accept ? accept : first;
        ui_lang_t lang = ui_lang_pick(locales, accept);
        FUZZ_CHECK(lang == UI_LANG_EN || lang == UI_LANG_KO);
        FUZZ_CHECK(locales || ui_lang_pick("", accept) == lang);
        FUZZ_CHECK(ui_lang_pick(NULL, NULL) == UI_LANG_EN);
    }
    arena_free(a);
    return 0;
}
